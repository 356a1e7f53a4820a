import { afterEach, describe, expect, it } from 'vitest';
import { NS_PER_MS, VirtualClock } from './clock.ts';

const START_MS = Date.UTC(2026, 0, 1, 5, 0, 0);

describe('VirtualClock library timers', () => {
  let clock: VirtualClock | null = null;
  afterEach(() => {
    clock?.uninstallLibraryTimers();
    clock = null;
  });

  function installed(): VirtualClock {
    clock = new VirtualClock(START_MS);
    clock.installLibraryTimers();
    return clock;
  }

  it('moves Date, performance.now() and hrtime with world time when no timer is due', () => {
    const c = installed();
    const perf0 = performance.now();
    const hr0 = process.hrtime.bigint();
    setTimeout(() => undefined, 60_000);
    c.advanceTo(1_500n * NS_PER_MS);
    expect(Date.now()).toBe(START_MS + 1_500);
    expect(performance.now() - perf0).toBe(1_500);
    expect(process.hrtime.bigint() - hr0).toBe(1_500n * NS_PER_MS);
    c.advanceTo(2_000n * NS_PER_MS + 999_999n); // the library clock counts whole milliseconds
    expect(Date.now()).toBe(START_MS + 2_000);
  });

  it('fires each timer at its own millisecond, in order, and not before', () => {
    const c = installed();
    const fired: string[] = [];
    setTimeout(() => fired.push(`a@${Date.now() - START_MS}`), 1_000);
    setTimeout(() => fired.push(`b@${Date.now() - START_MS}`), 250);
    c.advanceTo(249n * NS_PER_MS);
    expect(fired).toEqual([]);
    c.advanceTo(999n * NS_PER_MS);
    expect(fired).toEqual(['b@250']);
    c.advanceTo(5_000n * NS_PER_MS);
    expect(fired).toEqual(['b@250', 'a@1000']);
    expect(Date.now()).toBe(START_MS + 5_000);
    expect(c.nextLibraryTimerNs()).toBeNull();
  });

  it('fires a zero-delay timer set since the last move without time moving', () => {
    const c = installed();
    c.advanceTo(10n * NS_PER_MS);
    let fired = false;
    setTimeout(() => (fired = true), 0);
    expect(c.nextLibraryTimerNs()).toBe(10n * NS_PER_MS);
    c.advanceTo(10n * NS_PER_MS);
    expect(fired).toBe(true);
  });

  it('keeps a refreshed or cleared timer from firing at its old time', () => {
    const c = installed();
    let refreshed = 0;
    let cleared = 0;
    const t = setTimeout(() => refreshed++, 1_000);
    const u = setTimeout(() => cleared++, 1_200);
    c.advanceTo(800n * NS_PER_MS);
    t.refresh(); // due at 1800 now
    clearTimeout(u);
    c.advanceTo(1_500n * NS_PER_MS);
    expect([refreshed, cleared]).toEqual([0, 0]);
    c.advanceTo(1_800n * NS_PER_MS);
    expect([refreshed, cleared]).toEqual([1, 0]);
  });
});
