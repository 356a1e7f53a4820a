import { describe, expect, it } from 'vitest';
import { AsyncWait } from '../src/firmware/async-wait.ts';
import { Zones } from '../src/firmware/zones.ts';

const WRAP = 2 ** 32;

describe('AsyncWait', () => {
  it('counts plain elapsed time before the wrap', () => {
    const w = new AsyncWait();
    w.startWaiting(1000, 500);
    expect(w.isWaiting(1499)).toBe(true);
    expect(w.remaining(1499)).toBe(1);
    expect(w.isWaiting(1500)).toBe(false);
  });

  it('loses one millisecond across the 49.7-day wrap (ULONG_MAX - start + now)', () => {
    const w = new AsyncWait();
    const start = WRAP - 10;
    w.startWaiting(start, 20);
    expect(w.remaining(start)).toBe(21);
    expect(w.isWaiting(9)).toBe(true); // true elapsed 19
    expect(w.isWaiting(10)).toBe(true); // true elapsed 20, counted 19
    expect(w.isWaiting(11)).toBe(false); // counted 20
  });

  it('remaining() agrees with isWaiting() at every millisecond around the wrap', () => {
    for (const start of [WRAP - 3, WRAP - 1, 0, 5]) {
      const w = new AsyncWait();
      w.startWaiting(start, 7);
      const r = w.remaining(start)!;
      const probe = new AsyncWait();
      probe.startWaiting(start, 7);
      expect(probe.isWaiting((start + r - 1) % WRAP)).toBe(true);
      expect(probe.isWaiting((start + r) % WRAP)).toBe(false);
    }
  });
});

describe('Zones (Zones.h)', () => {
  it('turns the others off, switches off on time, and reports changes', () => {
    const z = new Zones();
    expect(z.turnOn(1, 5, 0)).toBe(true);
    expect(z.turnOn(2, 120, 100)).toBe(true);
    expect(z.bitmap()).toBe(0b100);
    expect(z.nextDeadlineMs(100)).toBe(120_000);
    expect(z.loop(120_099)).toBe(false);
    expect(z.loop(120_100)).toBe(true);
    expect(z.bitmap()).toBe(0);
  });

  it('refuses a zone index >= 8 and a zero duration without touching the others', () => {
    const z = new Zones();
    z.turnOn(3, 10, 0);
    expect(z.turnOn(8, 10, 0)).toBe(false);
    expect(z.turnOn(-1, 10, 0)).toBe(false); // (unsigned)-1
    expect(z.turnOn(4, 0, 0)).toBe(false);
    expect(z.turnOff(9)).toBe(false);
    expect(z.bitmap()).toBe(0b1000);
  });

  it('runs a zone timer across the millis() wrap', () => {
    const z = new Zones();
    const start = WRAP - 60_000;
    z.turnOn(3, 120, start);
    expect(z.loop(WRAP - 1)).toBe(false);
    expect(z.loop(60_000)).toBe(false); // true 120 s, counted one short
    expect(z.zones[3]!.on).toBe(true);
    expect(z.loop(60_001)).toBe(true);
    expect(z.bitmap()).toBe(0);
  });

  it('re-sending the same zone restarts its timer without a relay change', () => {
    const z = new Zones();
    z.turnOn(0, 1, 0);
    expect(z.turnOn(0, 1, 900)).toBe(false);
    expect(z.loop(1000)).toBe(false);
    expect(z.loop(1900)).toBe(true);
  });
});
