// ATmega168 memory map and register addresses (data space), from the
// ATmega48A/PA/88A/PA/168A/PA/328/P datasheet, "Register Summary" and
// section 8 "AVR Memories". avr8js's ATmega328P configs fit the 168 for
// every block they cover (same addresses and vectors); what differs is sizes.
import {
  portBConfig,
  portCConfig,
  portDConfig,
  spiConfig,
  type SPIConfig,
  timer0Config,
  timer1Config,
  timer2Config,
  usart0Config,
  eepromConfig,
  type AVRPortConfig,
  type AVRTimerConfig,
} from 'avr8js';

export const FLASH_BYTES = 16 * 1024; // 8K words
export const SRAM_BYTES = 1024; // 0x100..0x4FF
export const EEPROM_BYTES = 512;
export const RAMEND = 0x4ff;
export const DEFAULT_FREQUENCY = 8_000_000; // internal RC oscillator, CKDIV8 unprogrammed

export const PINB = 0x23;
export const DDRB = 0x24;
export const PORTB = 0x25;
export const PIND = 0x29;
export const DDRD = 0x2a;
export const PORTD = 0x2b;
export const TCNT0 = 0x46;
export const SMCR = 0x53;
export const MCUSR = 0x54;
export const SREG = 0x5f;
export const WDTCSR = 0x60;
export const TCNT1L = 0x84;
export const TCNT1H = 0x85;
export const TCNT2 = 0xb2;
export const TWSR = 0xb9;
export const TWAR = 0xba;
export const TWDR = 0xbb;
export const UCSR0A = 0xc0;
export const UCSR0C = 0xc2;
export const EEARH = 0x42;

// Port B pins used by the SPI block (datasheet 13.3.1, Table 13-3).
export const PB_SS = 2;
export const PB_MOSI = 3;
export const PB_MISO = 4;
export const PB_SCK = 5;

// Interrupt vectors as word addresses (datasheet Table 11-1; 2-word vectors on the 168).
export const WDT_VECTOR = 0x0c;
export const SPI_STC_VECTOR = 0x22;

export interface ATmega168Config {
  portB: AVRPortConfig;
  portC: AVRPortConfig;
  portD: AVRPortConfig;
  timer0: AVRTimerConfig;
  timer1: AVRTimerConfig;
  timer2: AVRTimerConfig;
  usart0: typeof usart0Config;
  spi: SPIConfig;
  eeprom: typeof eepromConfig;
}

export const atmega168Config: ATmega168Config = {
  portB: portBConfig,
  portC: portCConfig,
  portD: portDConfig,
  timer0: timer0Config,
  timer1: timer1Config,
  timer2: timer2Config,
  usart0: usart0Config,
  spi: spiConfig,
  eeprom: eepromConfig,
};

/**
 * I/O registers whose reset value is not 0x00 ("Initial Value" rows of each
 * register description). Every other register in 0x20..0xFF resets to 0x00.
 * MCUSR and WDTCSR depend on the reset source and are set by the watchdog.
 */
export const IO_RESET_VALUES: ReadonlyArray<readonly [addr: number, value: number]> = [
  [UCSR0A, 0x20], // UDRE0 = 1: transmit buffer empty (20.11.2)
  [UCSR0C, 0x06], // UCSZ01:0 = 3: 8-bit frames (20.11.4)
  [TWSR, 0xf8], // TWS = 0x1F: no relevant state (22.9.2)
  [TWAR, 0xfe], // TWA = 0x7F (22.9.3)
  [TWDR, 0xff], // 22.9.4
];

/**
 * EEPROM programming times (datasheet Table 8-2): erase-only and write-only take 1.8 ms.
 * avr8js runs an atomic erase-and-write as the two phases back to back (3.6 ms; the table says 3.4).
 */
export const EEPROM_ERASE_MS = 1.8;
export const EEPROM_WRITE_MS = 1.8;
