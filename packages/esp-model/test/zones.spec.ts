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

describe('Zones', () => {
  it('turns the others off, switches off on time, and reports bitmap changes', () => {
    const z = new Zones();
    expect(z.turnOn(1, 5000, 0)).toBe(true);
    expect(z.turnOn(2, 120_000, 100)).toBe(true);
    expect(z.bitmap()).toBe(0b100);
    expect(z.nextDeadlineMs(100)).toBe(120_000);
    expect(z.update(120_099)).toEqual([]);
    expect(z.update(120_100)).toEqual([2]);
    expect(z.bitmap()).toBe(0);
  });

  it('runs a zone timer across the millis() wrap', () => {
    const z = new Zones();
    const start = WRAP - 60_000;
    z.turnOn(3, 120_000, start);
    expect(z.update(WRAP - 1)).toEqual([]);
    expect(z.update(60_000)).toEqual([]); // true 120 s, counted one short
    expect(z.zones[3]!.on).toBe(true);
    expect(z.update(60_001)).toEqual([3]);
    expect(z.bitmap()).toBe(0);
  });

  it('re-sending the same zone restarts its timer without a relay change', () => {
    const z = new Zones();
    z.turnOn(0, 1000, 0);
    expect(z.turnOn(0, 1000, 900)).toBe(false);
    expect(z.update(1000)).toEqual([]);
    expect(z.update(1900)).toEqual([0]);
  });
});
