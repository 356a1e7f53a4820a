// The DEBUG build's startupTest(): from loop(), without blocking, each zone on in turn —
// zone n at n x 1250 ms from the first call, for 1 s (Zones::Loop switches it off).
import { AsyncWait } from './async-wait.ts';
import type { Zones } from './zones.ts';

/** turnOnSeconds: each zone's on time. */
export const STARTUP_TEST_ON_SECONDS = 1;
/** nextIterationDuration: from one zone to the next. */
export const STARTUP_TEST_STEP_MS = 1250;
const LAST_ZONE = 7;

export class StartupTest {
  private readonly wait = new AsyncWait();
  private value = 0; // static uint8_t startupTestValue
  private firstTime = true;

  constructor(private readonly zones: Zones) {}

  /** One call per loop() pass; true when the relays must be updated. */
  step(now: number): boolean {
    let changed = false;
    if (this.firstTime) {
      this.firstTime = false;
      this.value = 0;
      changed = this.zones.turnOn(this.value, STARTUP_TEST_ON_SECONDS, now);
      this.wait.startWaiting(now, STARTUP_TEST_STEP_MS);
    }
    if (this.value <= LAST_ZONE && !this.wait.isWaiting(now)) {
      // After zone 7 it asks for zone 8, which Zones refuses: the walk ends there.
      this.value = (this.value + 1) & 0xff;
      changed = this.zones.turnOn(this.value, STARTUP_TEST_ON_SECONDS, now);
      this.wait.startWaiting(now, STARTUP_TEST_STEP_MS);
    }
    return changed;
  }

  /** Milliseconds until step() has work, or null once the walk is over. */
  remaining(now: number): number | null {
    if (this.firstTime) return 0;
    if (this.value > LAST_ZONE) return null;
    return this.wait.remaining(now) ?? 0;
  }
}
