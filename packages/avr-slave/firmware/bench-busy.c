/*
 * Busy firmware for the avr.raw_mhz / avr.emulator_mhz benchmarks: never
 * sleeps and never polls, mixes RAM loads/stores, ALU work, branches, calls
 * and I/O writes (PORTB), as a CPU-bound application would. After ROUNDS
 * rounds it stops with `cli; sleep`, where simavr ends its run, so the same
 * image is a fixed workload for simavr and esphil side by side.
 */
#include <avr/io.h>
#include <avr/interrupt.h>
#include <avr/sleep.h>
#include <stdint.h>
#include <util/crc16.h>

static uint8_t buffer[256];
volatile uint8_t sink;

static uint16_t __attribute__((noinline)) checksum(uint8_t seed)
{
    uint16_t crc = 0xFFFF;
    for (uint16_t i = 0; i < sizeof buffer; i++) {
        buffer[i] = (uint8_t)(buffer[i] * 5 + seed + i);
        crc = _crc16_update(crc, buffer[i]);
    }
    return crc;
}

#define ROUNDS 12000U

int main(void)
{
    DDRB = 0xFF;
    for (uint16_t round = 0; round < ROUNDS; round++) {
        uint16_t crc = checksum((uint8_t)round);
        PORTB = (uint8_t)crc;
        sink = (uint8_t)(crc >> 8);
    }
    cli();
    sleep_enable();
    sleep_cpu();
    for (;;) {
    }
}
