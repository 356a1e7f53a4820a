// ZoneStatus / Zones: one zone on at a time, each switched off by its own AsyncWait.
import { AsyncWait } from './async-wait.ts';

export const ZONE_COUNT = 8;

export class ZoneStatus {
  on = false;
  readonly timer = new AsyncWait();
}

export class Zones {
  readonly zones: ZoneStatus[] = Array.from({ length: ZONE_COUNT }, () => new ZoneStatus());

  /** Zone on for `durationMs`, every other zone off. Returns true when the relay bitmap changed. */
  turnOn(zone: number, durationMs: number, now: number): boolean {
    const before = this.bitmap();
    this.zones.forEach((z, i) => {
      if (i !== zone) {
        z.on = false;
        z.timer.cancel();
      }
    });
    const z = this.zones[zone]!;
    z.on = true;
    z.timer.startWaiting(now, durationMs);
    return this.bitmap() !== before;
  }

  turnOff(zone: number): boolean {
    const z = this.zones[zone]!;
    const changed = z.on;
    z.on = false;
    z.timer.cancel();
    return changed;
  }

  allOff(): boolean {
    let changed = false;
    for (let i = 0; i < ZONE_COUNT; i++) changed = this.turnOff(i) || changed;
    return changed;
  }

  /** Auto-off of zones whose time is up. Returns the zones switched off (the relay bitmap changed if any). */
  update(now: number): number[] {
    const off: number[] = [];
    this.zones.forEach((z, i) => {
      if (z.on && !z.timer.isWaiting(now)) {
        z.on = false;
        off.push(i);
      }
    });
    return off;
  }

  /** Bit n set = zone n on. */
  bitmap(): number {
    return this.zones.reduce((b, z, i) => (z.on ? b | (1 << i) : b), 0);
  }

  /** Milliseconds until the next auto-off, or null when no zone is timed. */
  nextDeadlineMs(now: number): number | null {
    let best: number | null = null;
    for (const z of this.zones) {
      if (!z.on) continue;
      const r = z.timer.remaining(now);
      if (r !== null && (best === null || r < best)) best = r;
    }
    return best;
  }
}
