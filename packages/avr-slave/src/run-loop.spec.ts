// Idle fast-forward: SLEEP with SMCR.SE (datasheet 9.1, 9.11.1, Table 9-1) and
// pure polling loops are jumped over; every result must match the reference
// that steps through them cycle by cycle.
import { describe, expect, it } from 'vitest';
import { JMP_MAIN, MAIN, SPI_2MHZ_MODE0, bothWays, mcuWith, sleeper } from '../test/helpers.ts';
import type { ATmega168 } from './atmega168.ts';

const HOUR = 8_000_000 * 3600;
const PORTD = 0x2b;


function sendAt(avr: ATmega168, cycle: number, mosi: number): void {
  avr.runUntil(cycle);
  avr.spi.setSS(false);
  avr.spi.clockByte(mosi, SPI_2MHZ_MODE0);
  avr.runUntil(avr.cycles + 32);
  avr.spi.setSS(true);
}

describe('sleep fast-forward', () => {
  it('treats SLEEP without SMCR.SE as a no-op', () => {
    const avr = mcuWith(sleeper(0x00));
    avr.runUntil(1000);
    expect(avr.sleeping).toBe(false);
    expect(avr.cpu.data[25]).toBeGreaterThan(50);
  });

  it('sleeps in Idle mode until the SPI interrupt, the same as stepping every cycle', () => {
    const { fast, reference } = bothWays(
      (opts) => mcuWith(sleeper(0x01), opts),
      (avr) => {
        avr.runUntil(100);
        expect(avr.sleeping).toBe(true);
        expect(avr.isIdle()).toBe(true);
        sendAt(avr, 1_000_003, 0x81);
        sendAt(avr, 1_000_053, 0x82);
        avr.runUntil(5_000_000);
      },
    );
    expect(fast.summary).toEqual(reference.summary);
    expect(fast.avr.cpu.data[PORTD]).toBe(0x82);
    expect(fast.avr.cpu.data[25]).toBe(2);
    expect(fast.avr.stats.fastForwardedCycles).toBeGreaterThan(4_900_000);
    expect(reference.avr.stats.fastForwardedCycles).toBe(0);
  });

  it('takes the four wake-up cycles before the interrupt (9.1)', () => {
    const avr = mcuWith(sleeper(0x01));
    avr.runUntil(100);
    avr.spi.setSS(false);
    avr.spi.clockByte(0x55, SPI_2MHZ_MODE0);
    const end = avr.cycles + 32;
    const writes: number[] = [];
    avr.portD.addListener(() => writes.push(avr.cycles));
    avr.runUntil(end + 100);
    // SPIF at the end of the byte, then wake-up 4, interrupt entry 2 (avr8js), JMP 3, IN 1: OUT PORTD starts
    expect(writes).toEqual([end + 10]);
    expect(avr.cpu.data[PORTD]).toBe(0x55);
  });

  it('does not wake from Power-down for SPI, but does for the watchdog (Table 9-1)', () => {
    const avr = mcuWith(sleeper(0x05, 'ldi r16, 0x40\n sts 0x60, r16'));
    const portd: number[] = [];
    avr.portD.addListener((v) => portd.push(v));
    avr.runUntil(100);
    sendAt(avr, 200, 0x11);
    avr.runUntil(1000);
    expect(avr.sleeping).toBe(true);
    expect(portd).toEqual([]);
    avr.runUntil(130_000);
    // The WDT vector has priority; the SPI interrupt pending since cycle 232 follows it.
    expect(portd).toEqual([0x3c, 0x11]);
  });

  it('ends sleep with a watchdog system reset, the same both ways', () => {
    const { fast, reference } = bothWays(
      (opts) => mcuWith(sleeper(0x01, 'ldi r16, 0x08\n sts 0x60, r16'), opts), // WDE: reset after 16 ms
      (avr) => avr.runUntil(450_000),
    );
    expect(fast.summary).toEqual(reference.summary);
    expect(fast.avr.stats.resets.watchdog).toBe(3); // 128 000 cycles each
    expect(fast.avr.sleeping).toBe(true);
  });

  it('never wakes with interrupts disabled, and jumps an hour of it at once', () => {
    const avr = mcuWith({ 0: JMP_MAIN, [MAIN]: 'ldi r16, 1\n out 0x33, r16\n sleep\n ldi r17, 1\n out 0x0b, r17' });
    avr.runUntil(HOUR);
    expect(avr.cycles).toBe(HOUR);
    expect(avr.cpu.data[PORTD]).toBe(0);
    expect(avr.isIdle()).toBe(true);
    expect(avr.stats.fastForwardedCycles).toBe(HOUR - 6); // all but JMP 3, LDI, OUT, SLEEP
    expect(avr.stats.sleeps).toBe(1);
  });
});

/** Main runs `setup`, then forever: `poll` until it exits, then `after` (default PORTD = SPDR). */
const poller = (poll: string, setup = '', after = 'in r17, 0x2e\n out 0x0b, r17') => ({
  0: JMP_MAIN,
  0x20: 'jmp 0x60', // TIMER0 OVF -> 0x30
  0x30: `
    lds r24, 0x100
    inc r24
    sts 0x100, r24
    reti`,
  [MAIN]: `
    ldi r16, 0x10
    out 0x04, r16
    ldi r16, 0x40
    out 0x2c, r16   ; SPCR: SPE
    ${setup}
  again:
    ${poll}
    ${after}
    rjmp again`,
});

const SPIF_POLL = `
  wait:
    in r0, 0x2d
    sbrs r0, 7
    rjmp wait`;

describe('polling-loop fast-forward', () => {
  it('detects a loop spinning on SPIF, stops there when asked and jumps it otherwise, with identical results', () => {
    const { fast, reference } = bothWays(
      (opts) => mcuWith(poller(SPIF_POLL), opts),
      (avr) => {
        expect(avr.runUntil(10_000, { stopWhenIdle: true })).toBeLessThan(100);
        expect(avr.isIdle()).toBe(true);
        sendAt(avr, 2_000_001, 0x21);
        expect(avr.isIdle()).toBe(false);
        avr.runUntil(2_010_000, { stopWhenIdle: true });
        expect(avr.cpu.data[PORTD]).toBe(0x21);
        sendAt(avr, 3_000_000, 0x22);
        sendAt(avr, 3_000_032, 0x23);
        avr.runUntil(4_000_000);
      },
    );
    expect(fast.summary).toEqual(reference.summary);
    expect(fast.avr.cpu.data[PORTD]).toBe(0x23);
    expect(fast.avr.stats.fastForwardedCycles).toBeGreaterThan(3_990_000);
    fast.avr.runUntil(HOUR);
    expect(fast.avr.stats.fastForwardedCycles).toBeGreaterThan(HOUR - 10_000);
  });

  it('waits on an SRAM flag set by a timer interrupt the same both ways', () => {
    const { fast, reference } = bothWays(
      (opts) =>
        mcuWith(
          poller(
            `
  wait:
    lds r20, 0x100
    cpi r20, 3
    brlo wait
    sts 0x100, r1`,
            'ldi r16, 1\n sts 0x6e, r16\n ldi r16, 3\n out 0x25, r16\n sei', // TOIE0, clk/64
            'inc r22\n out 0x0b, r22',
          ),
          opts,
        ),
      (avr) => {
        sendAt(avr, 5_000, 0x44);
        avr.runUntil(300_000);
      },
    );
    expect(fast.summary).toEqual(reference.summary);
    expect(fast.avr.stats.pollLoopSkips).toBeGreaterThan(0);
    expect(fast.summary.portd.length).toBe(6); // every third overflow of 64 * 256 cycles in 300 000
  });

  it('does not skip a loop on TCNT0, which moves without a clock event', () => {
    const { fast, reference } = bothWays(
      (opts) => mcuWith(poller('wait:\n in r20, 0x26\n cpi r20, 200\n brne wait', 'ldi r16, 2\n out 0x25, r16'), opts),
      (avr) => avr.runUntil(200_000),
    );
    expect(fast.summary).toEqual(reference.summary);
    expect(fast.avr.stats.fastForwardedCycles).toBe(0);
  });

  it('does not take a counting loop for a polling loop', () => {
    const avr = mcuWith(poller('wait:\n in r0, 0x2d\n inc r21\n sbrs r0, 7\n rjmp wait'));
    avr.runUntil(100_000, { stopWhenIdle: true });
    expect(avr.cycles).toBeGreaterThanOrEqual(100_000);
    expect(avr.isIdle()).toBe(false);
    expect(avr.stats.fastForwardedCycles).toBe(0);
  });
});
