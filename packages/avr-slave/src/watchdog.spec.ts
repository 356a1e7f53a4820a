// Watchdog Timer, datasheet 10.8/10.9: Table 10-1 (modes), Table 10-2 (time-out
// 2K cycles of 128 kHz = 16 ms), 10.9.2 (timed sequence, WDRF overrides WDE).
import { describe, expect, it } from 'vitest';
import { JMP_MAIN, MAIN, mcuWith } from '../test/helpers.ts';

const MCUSR = 0x54;
const WDTCSR = 0x60;
const PORTD = 0x2b;
const GPIOR0 = 0x3e;
const TIMEOUT_16MS = 128_000; // 2048 cycles of 128 kHz at 8 MHz

/** Program: PORTD = 0x0F, DDRD = 0xFF, WDTCSR = `wdtcsr`, then a loop (with WDR when `kick`). */
const watchdogProgram = (wdtcsr: number, kick: boolean) => ({
  0: JMP_MAIN,
  0x0c: 'jmp 0x60',
  0x30: `
    in r20, 0x1e    ; GPIOR0++
    inc r20
    out 0x1e, r20
    reti`,
  [MAIN]: `
    ldi r16, 0x0f
    out 0x0b, r16
    ldi r16, 0xff
    out 0x0a, r16
    ldi r16, ${wdtcsr}
    sts 0x60, r16
    sei
  loop:
    ${kick ? 'wdr' : 'nop'}
    rjmp loop`,
});

describe('Watchdog', () => {
  it('resets the MCU after 16 ms in System Reset Mode: I/O back to initial values, WDRF set, WDE forced', () => {
    const avr = mcuWith(watchdogProgram(0x08, false));
    const enabledAt: number[] = [];
    avr.relays.onChange((e) => enabledAt.push(e.cycle));
    avr.runUntil(100);
    expect(avr.cpu.data[PORTD]).toBe(0x0f);
    avr.cpu.data[0x100] = 0x42; // SRAM survives a reset
    avr.runUntil(TIMEOUT_16MS + 100);
    expect(avr.stats.resets.watchdog).toBe(1);
    expect(avr.cpu.data[MCUSR]).toBe(0x09); // PORF from power-on, WDRF
    expect(avr.cpu.data[WDTCSR]).toBe(0x08);
    expect(avr.cpu.data[0x100]).toBe(0x42);
    // Off at the reset, on again once the restarted program has set PORTD and DDRD.
    expect(avr.relays.history.map((h) => h.on)).toEqual([[4, 5, 6, 7], [], [4, 5, 6, 7]]);
    expect(avr.relays.history[1]!.cycle).toBeGreaterThanOrEqual(TIMEOUT_16MS);
    expect(avr.relays.history[1]!.cycle).toBeLessThan(TIMEOUT_16MS + 100);
  });

  it('does not reset while firmware executes WDR', () => {
    const avr = mcuWith(watchdogProgram(0x08, true));
    avr.runUntil(10 * TIMEOUT_16MS);
    expect(avr.stats.resets.watchdog).toBe(0);
    expect(avr.cpu.data[PORTD]).toBe(0x0f);
  });

  it('raises the WDT interrupt (vector 0x0C) on each time-out in Interrupt Mode', () => {
    const avr = mcuWith(watchdogProgram(0x40, false));
    avr.runUntil(2 * TIMEOUT_16MS + 100);
    expect(avr.cpu.data[GPIOR0]).toBe(2);
    expect(avr.stats.resets.watchdog).toBe(0);
  });

  it('in Interrupt and System Reset Mode interrupts first, then resets', () => {
    const avr = mcuWith(watchdogProgram(0x48, false));
    avr.runUntil(TIMEOUT_16MS + 100);
    expect(avr.cpu.data[GPIOR0]).toBe(1);
    expect(avr.stats.resets.watchdog).toBe(0);
    avr.runUntil(2 * TIMEOUT_16MS + 100);
    expect(avr.stats.resets.watchdog).toBe(1);
  });

  it('clears WDE only through the timed sequence, and not while WDRF is set (10.9.2)', () => {
    const avr = mcuWith({ 0: JMP_MAIN, [MAIN]: 'loop: rjmp loop' });
    avr.runUntil(10);
    avr.cpu.writeData(WDTCSR, 0x08);
    avr.cpu.writeData(WDTCSR, 0x00);
    expect(avr.cpu.data[WDTCSR]).toBe(0x08);
    avr.cpu.writeData(WDTCSR, 0x18); // WDCE | WDE
    avr.cpu.writeData(WDTCSR, 0x00);
    expect(avr.cpu.data[WDTCSR]).toBe(0x00);
    expect(avr.nextEventCycle()).toBeUndefined();

    avr.cpu.writeData(WDTCSR, 0x08);
    avr.runUntil(avr.cycles + TIMEOUT_16MS + 10);
    expect(avr.cpu.data[MCUSR] & 0x08).toBe(0x08);
    avr.cpu.writeData(WDTCSR, 0x18);
    avr.cpu.writeData(WDTCSR, 0x00);
    expect(avr.cpu.data[WDTCSR]).toBe(0x08); // WDRF overrides WDE
    avr.cpu.writeData(MCUSR, 0);
    avr.cpu.writeData(WDTCSR, 0x18);
    avr.cpu.writeData(WDTCSR, 0x00);
    expect(avr.cpu.data[WDTCSR]).toBe(0x00);
  });

  it('changes the prescaler only through the timed sequence (Table 10-2)', () => {
    const avr = mcuWith({ 0: JMP_MAIN, [MAIN]: 'loop: rjmp loop' });
    avr.runUntil(10);
    avr.cpu.writeData(WDTCSR, 0x0e); // WDE with WDP = 6 without the sequence: WDP ignored
    expect(avr.watchdog.timeoutCycles).toBe(TIMEOUT_16MS);
    avr.cpu.writeData(WDTCSR, 0x18);
    avr.cpu.writeData(WDTCSR, 0x29); // WDP3 | WDE | WDP0: 1024K cycles of 128 kHz ("8.0 s")
    expect(avr.watchdog.timeoutCycles).toBe(65_536_000);
  });
});
