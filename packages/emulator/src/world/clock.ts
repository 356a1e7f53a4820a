// The world's one virtual clock: nanoseconds since the world started, as a
// bigint so it stays exact over years (ten years of ns exceed 2^53).
// Library timers (aedes, mqtt.js) run on @sinonjs/fake-timers, whose clock is
// kept at the world's start date plus elapsed virtual time; the world's UTC
// (what NTP answers, what the broker validates certificates against) can be
// moved by scenarios without disturbing library timers.
import FakeTimers from '@sinonjs/fake-timers';

// Captured before any fake clock is installed: the only wall-clock access the
// world has, used to pace `serve` and to let real TCP I/O settle.
export const realSetTimeout: typeof setTimeout = globalThis.setTimeout.bind(globalThis);
export const realSetImmediate: typeof setImmediate = globalThis.setImmediate.bind(globalThis);
const realPerformanceNow = performance.now.bind(performance);
export const realNow = (): number => realPerformanceNow();

export const NS_PER_MS = 1_000_000n;
export const NS_PER_S = 1_000_000_000n;

export type FakeClock = ReturnType<typeof FakeTimers.install>;

/** Never nextTick, queueMicrotask or setImmediate: aedes and Node streams need them real. */
const TO_FAKE = ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'hrtime'] as const;

let installed: FakeClock | null = null;

export class VirtualClock {
  private now = 0n;
  /** UTC at world time 0 plus every set-clock/advance-clock adjustment, in ns since the epoch. */
  private utcOffsetNs: bigint;
  private readonly libStartMs: number;
  private fake: FakeClock | null = null;

  constructor(startUtcMs: number) {
    this.utcOffsetNs = BigInt(startUtcMs) * NS_PER_MS;
    this.libStartMs = startUtcMs;
  }

  nowNs(): bigint {
    return this.now;
  }

  utcMs(): number {
    return Number((this.utcOffsetNs + this.now) / NS_PER_MS);
  }

  setUtc(utcMs: number): void {
    this.utcOffsetNs = BigInt(utcMs) * NS_PER_MS - this.now;
  }

  advanceUtc(ns: bigint): void {
    this.utcOffsetNs += ns;
  }

  /** Installs the fake library clock; only one world per process can own it. */
  installLibraryTimers(): void {
    if (installed) throw new Error('another esphil world already owns the fake library clock in this process');
    this.fake = FakeTimers.install({ now: this.libStartMs, toFake: [...TO_FAKE], loopLimit: 1_000_000 });
    installed = this.fake;
  }

  uninstallLibraryTimers(): void {
    if (this.fake && installed === this.fake) {
      this.fake.uninstall();
      installed = null;
    }
    this.fake = null;
  }

  /** The earliest pending library timer (fake-timers keeps them in a heap by callAt). */
  private firstLibraryTimer(): { callAt: number } | undefined {
    return (this.fake as unknown as { timerHeap?: { peek(): { callAt: number } | undefined } } | null)?.timerHeap?.peek();
  }

  /** World time of the earliest pending library timer, or null. */
  nextLibraryTimerNs(): bigint | null {
    const first = this.firstLibraryTimer();
    if (!first) return null;
    const ns = BigInt(Math.ceil(first.callAt - this.libStartMs)) * NS_PER_MS;
    return ns < this.now ? this.now : ns;
  }

  /** Moves world time forward (never back) and fires the library timers now due. */
  advanceTo(t: bigint): void {
    if (t < this.now) throw new Error(`virtual time cannot go back (${t} < ${this.now})`);
    this.now = t;
    if (this.fake) {
      const targetMs = this.libStartMs + Number(t / NS_PER_MS);
      // tick(0) still fires timers due at the current fake millisecond (setTimeout(fn, 0)).
      const delta = targetMs - this.fake.now;
      if (delta < 0) return;
      // With no timer due by then, tick() would only move its clock (its job queue holds
      // faked nextTick/queueMicrotask calls, and those are real here): moved directly, a
      // world turn costs no tick state nor range search.
      const first = this.firstLibraryTimer();
      if (first === undefined || first.callAt > targetMs) this.fake.now = targetMs;
      else this.fake.tick(delta);
    }
  }
}
