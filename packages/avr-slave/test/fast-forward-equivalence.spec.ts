// Fast-forward must not change anything observable: the bundled firmware, both
// builds, driven through the same script with fast-forward on and with every
// cycle stepped. PORTD history with cycle stamps, relay history, MISO bytes and
// every counter must match exactly.
import { describe, expect, it } from 'vitest';
import { bothWays } from './helpers.ts';
import { bootBundled, spiWindow, type Build } from './bundled-firmware.ts';
import type { ATmega168 } from '../src/index.ts';

const MS = 8_000;

function script(avr: ATmega168): void {
  avr.runUntil(1_000);
  spiWindow(avr, 3 * MS + 1, [0xfb]);
  spiWindow(avr, 7 * MS + 3, [0xfe, 0x7f, 0x00]);
  spiWindow(avr, 9 * MS, [0x11, 0x22, 0x33, 0x44], { sckHz: 4_000_000, mode: 0, lsbFirst: false });
  spiWindow(avr, 9 * MS + 200, [0x55, 0x66, 0x77], { sckHz: 16_000_000, mode: 0, lsbFirst: false });
  // SS cut in the middle of a byte
  avr.runUntil(11 * MS);
  avr.spi.setSS(false);
  avr.spi.clockByte(0x0f, { sckHz: 2_000_000, mode: 0, lsbFirst: false });
  avr.runUntil(11 * MS + 13);
  avr.spi.setSS(true);
  spiWindow(avr, 12 * MS + 5, [0xef]);
  // a byte in another mode, then a reset pulse
  spiWindow(avr, 13 * MS, [0xaa], { sckHz: 1_000_000, mode: 3, lsbFirst: true });
  avr.runUntil(14 * MS);
  avr.setResetPin(false);
  avr.runUntil(14 * MS + 80);
  avr.setResetPin(true);
  spiWindow(avr, 15 * MS + 7, [0xbf]);
  avr.runUntil(400 * MS);
}

describe.each(['sleep', 'poll'] as Build[])('fast-forward equivalence (%s build)', (build) => {
  it('gives the same PORTD history, MISO bytes and counters as stepping every cycle', () => {
    const { fast, reference } = bothWays((opts) => bootBundled(build, opts), script);
    expect(fast.summary).toEqual(reference.summary);
    // The script exercised what it is meant to: losses, violations, an abort, a reset.
    expect(fast.summary.counters).toMatchObject({ abortedBytes: 1, resets: { 'power-on': 2, external: 1, watchdog: 0 } });
    expect(fast.summary.counters.lostBytes).toBeGreaterThan(0);
    expect(fast.summary.counters.timingViolations).toBe(7);
    expect(fast.summary.portd.length).toBeGreaterThan(8);
    expect(fast.avr.stats.fastForwardedCycles).toBeGreaterThan(390 * MS);
    expect(reference.avr.stats.fastForwardedCycles).toBe(0);
  });
});
