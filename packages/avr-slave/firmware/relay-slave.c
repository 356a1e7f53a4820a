/*
 * esphil relay slave for the ATmega168 (internal 8 MHz RC).
 *
 * SPI slave, mode 0, MSB first. Every byte received from the ESP8266 is the
 * new PORTD: eight active-low relays on PD0..PD7 (bit clear = relay on).
 * Each byte is answered on MISO with the PORTD value in force before it, so
 * the master reads back the relay state with the next transfer.
 *
 * Default build: waits for bytes in Idle sleep and takes the SPI interrupt.
 * -DRELAY_POLL: spins on SPIF instead (the common minimal style).
 * -DRELAY_VERSION=n: a later release that answers every byte with its version
 * number n instead of the relay state (the build an over-the-air update installs).
 */
#include <avr/io.h>
#include <stdint.h>
#ifndef RELAY_POLL
#include <avr/interrupt.h>
#include <avr/sleep.h>
#endif

#ifdef RELAY_VERSION
#define RELAY_ANSWER(value) ((void)(value), (uint8_t)RELAY_VERSION)
#else
#define RELAY_ANSWER(value) (value)
#endif

static inline void relays_set(uint8_t value)
{
    PORTD = value;
    SPDR = RELAY_ANSWER(value); /* the answer shifted out during the next byte */
}

#ifndef RELAY_POLL
ISR(SPI_STC_vect)
{
    /* Taking the interrupt cleared SPIF; reading SPDR frees the receive buffer. */
    relays_set(SPDR);
}
#endif

int main(void)
{
    PORTD = 0xFF;        /* all relays off before the pins become outputs */
    DDRD = 0xFF;
    DDRB = _BV(DDB4);    /* MISO is the only SPI output of a slave */
    SPDR = RELAY_ANSWER(0xFF); /* first answer: every relay off (or the version) */
#ifdef RELAY_POLL
    SPCR = _BV(SPE);
    for (;;) {
        while (!(SPSR & _BV(SPIF)))
            ;
        /* SPSR read with SPIF set, then the SPDR access below, clears SPIF. */
        relays_set(SPDR);
    }
#else
    SPCR = _BV(SPE) | _BV(SPIE);
    set_sleep_mode(SLEEP_MODE_IDLE);
    sei();
    for (;;)
        sleep_mode();
#endif
}
