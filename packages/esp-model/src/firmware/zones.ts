// Zones.h: ZoneStatus (one relay and its AsyncWait) and Zones (one zone on at a time),
// with the DEBUG_LOG lines they print.
import { AsyncWait } from './async-wait.ts';
import { SILENT, type DebugLog } from './debug-log.ts';

export const ZONE_COUNT = 8;

/** `duration * 1000` in unsigned arithmetic: wraps modulo 2^32 like the C++. */
export function secondsToMs(seconds: number): number {
  return Number((BigInt(seconds >>> 0) * 1000n) & 0xffff_ffffn);
}

export class ZoneStatus {
  on = false;
  readonly timer = new AsyncWait();
  /** zoneName = String("Zone-") + String(zoneIndex) */
  readonly name: string;

  constructor(
    readonly zoneIndex: number,
    private readonly log: DebugLog,
  ) {
    this.name = `Zone-${zoneIndex}`;
  }

  getStatus(): string {
    return `${this.name}${this.on ? ' on' : ' off'}`;
  }

  /** 'duration' in seconds; true when the zone changed. The timer restarts even when it was already on. */
  turnOn(duration: number, now: number): boolean {
    if (duration === 0) return false;
    const old = this.on;
    this.timer.startWaiting(now, secondsToMs(duration));
    this.on = true;
    if (old === this.on) return false;
    this.log.log(this.name);
    this.log.log(' TURN ON for ');
    this.log.log(duration);
    this.log.logln(' seconds.');
    return true;
  }

  /** The timer is left as it is (the original's cancel() is commented out): only `on` matters. */
  turnOff(): boolean {
    const old = this.on;
    this.on = false;
    if (old === this.on) return false;
    this.log.logln(`${this.name} TURN OFF.`);
    return true;
  }

  loop(now: number): boolean {
    if (!this.on || this.timer.isWaiting(now)) return false;
    this.timer.cancel();
    this.log.log('Loop currentMilliSec=');
    this.log.log(now);
    this.log.log(', ');
    this.log.logln(this.getStatus());
    this.log.logln(`${this.name} should be turned off.`);
    return this.turnOff();
  }
}

export class Zones {
  readonly zones: ZoneStatus[];

  constructor(private readonly log: DebugLog = SILENT) {
    this.zones = Array.from({ length: ZONE_COUNT }, (_, i) => new ZoneStatus(i, log));
  }

  private isValidZoneIndex(zoneIndex: number): boolean {
    return zoneIndex >>> 0 < this.zones.length;
  }

  /** Zone on for `duration` seconds, every other zone off; true when a zone changed. */
  turnOn(zoneIndex: number, duration: number, now: number): boolean {
    this.log.log('Zones.turnOn()');
    this.log.log('  zoneIndex=');
    this.log.log(zoneIndex >>> 0);
    this.log.log(', duration=');
    this.log.log(duration >>> 0);
    this.log.log(', currentMilliSec=');
    this.log.log(now);
    this.log.logln('');
    if (duration === 0 || !this.isValidZoneIndex(zoneIndex)) return false;
    let changed = false;
    this.zones.forEach((z, i) => {
      if (i !== zoneIndex) changed = z.turnOff() || changed;
    });
    return this.zones[zoneIndex]!.turnOn(duration, now) || changed;
  }

  turnOff(zoneIndex: number): boolean {
    if (!this.isValidZoneIndex(zoneIndex)) return false;
    return this.zones[zoneIndex]!.turnOff();
  }

  /** Zones::Loop(): switches off every zone whose time is up; true when one did. */
  loop(now: number): boolean {
    let changed = false;
    for (const z of this.zones) changed = z.loop(now) || changed;
    return changed;
  }

  /** asBitMap8(): bit n set = zone n on. */
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
