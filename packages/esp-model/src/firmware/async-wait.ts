// The sketch's AsyncWait: a millis()-based timer that survives the 49.7-day wrap.

const ULONG_MAX = 0xffff_ffff;

export class AsyncWait {
  private start = 0;
  private duration = 0;
  private active = false;

  startWaiting(now: number, durationMs: number): void {
    this.start = now >>> 0;
    this.duration = durationMs >>> 0;
    this.active = true;
  }

  cancel(): void {
    this.active = false;
  }

  get isActive(): boolean {
    return this.active;
  }

  /** The sketch's wrap arithmetic: after the wrap it counts `ULONG_MAX - start + now`, one short. */
  elapsed(now: number): number {
    now >>>= 0;
    return now >= this.start ? now - this.start : ULONG_MAX - this.start + now;
  }

  /** True while the wait runs; false once `duration` has elapsed (and from then on). */
  isWaiting(now: number): boolean {
    if (!this.active) return false;
    if (this.elapsed(now) >= this.duration) {
      this.active = false;
      return false;
    }
    return true;
  }

  /** Milliseconds until isWaiting() turns false, or null when not waiting. Pure: does not end the wait. */
  remaining(now: number): number | null {
    if (!this.active) return null;
    now >>>= 0;
    const e = this.elapsed(now);
    if (e >= this.duration) return 0;
    let r = this.duration - e;
    // Crossing the wrap on the way costs the one millisecond the arithmetic loses.
    if (now >= this.start && now + r > ULONG_MAX) r += 1;
    return r;
  }
}
