// The reset delay (datasheet Table 8-10): the node's fuses give 6 CK + 14 CK + 65 ms
// after power-on and after the RESET pin's rising edge, during which nothing runs.
import { describe, expect, it } from 'vitest';
import { JMP_MAIN, MAIN, mcuWith } from '../test/helpers.ts';
import { startupDelay } from './startup-delay.ts';

const PORTD = 0x2b;
const DELAY = 6 + 14 + 520_000; // 65 ms at 8 MHz

/** PORTD = 0x42 as the first thing main does. */
const firstWrite = {
  0: JMP_MAIN,
  [MAIN]: `
    ldi r16, 0x42
    out 0x0b, r16
  idle:
    rjmp idle`,
};

describe('start-up delay after reset', () => {
  it('reads CKSEL/SUT from the low fuse: 0xE2 is the internal RC with SUT = 10', () => {
    expect(startupDelay(0xe2, 8_000_000)).toEqual({ cycles: DELAY, text: '6 CK + 14 CK + 65 ms' });
    expect(startupDelay(0xd2, 8_000_000)).toEqual({ cycles: 6 + 14 + 32_800, text: '6 CK + 14 CK + 4.1 ms' });
    expect(startupDelay(0xc2, 8_000_000)).toEqual({ cycles: 20, text: '6 CK + 14 CK' });
  });

  it('runs no instruction until the delay after power-on has passed', () => {
    const avr = mcuWith(firstWrite, { startupDelay: true });
    expect(avr.startingUp).toBe(true);
    expect(avr.isIdle()).toBe(true);
    expect(avr.nextEventCycle()).toBe(DELAY);
    avr.runUntil(DELAY);
    expect(avr.cpu.data[PORTD]).toBe(0);
    avr.runUntil(DELAY + 10);
    expect(avr.startingUp).toBe(false);
    expect(avr.cpu.data[PORTD]).toBe(0x42);
  });

  it('counts the delay from the RESET pin rising edge, however long RESET was low', () => {
    const avr = mcuWith(firstWrite, { startupDelay: true });
    avr.runUntil(DELAY + 10);
    avr.setResetPin(false);
    avr.runUntil(DELAY + 1_000_000);
    expect(avr.cpu.data[PORTD]).toBe(0);
    avr.setResetPin(true);
    const edge = avr.cycles;
    avr.runUntil(edge + DELAY);
    expect(avr.cpu.data[PORTD]).toBe(0);
    avr.runUntil(edge + DELAY + 10);
    expect(avr.cpu.data[PORTD]).toBe(0x42);
  });
});
