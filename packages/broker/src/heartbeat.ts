// aedes' $SYS heartbeat, published only while someone can hear it.
// aedes publishes `$SYS/<id>/heartbeat` (payload: the broker id, QoS 0, not
// retained) every `heartbeatInterval` from a setInterval. In the emulator that
// timer runs in virtual time: a quiet day would stop the world 1440 times to
// publish a message nobody subscribed to. Here aedes' own interval is pushed out
// of the way and the broker publishes the same message on the same grid
// (start + k × HEARTBEAT_INTERVAL_MS) while at least one subscription's filter
// matches the heartbeat topic; with none, no timer is pending at all.
// A QoS 0 message has no offline queue (aedes enqueues for offline sessions only
// at QoS > 0), so a subscriber sees exactly what aedes' own timer would have sent.
import type { Aedes } from 'aedes';
import { topicMatches } from './topic.ts';

/** aedes' default heartbeatInterval (aedes.js defaultOptions), which $SYS subscribers see. */
export const HEARTBEAT_INTERVAL_MS = 60_000;
/** setInterval's longest delay (2^31 − 1 ms): anything longer fires after 1 ms. */
const TIMER_MAX_MS = 2 ** 31 - 1;
/**
 * aedes' own heartbeatInterval here: on the same grid, and so long that its will
 * sweep (every 4 × the interval, aedes.js _clearWills) still fits in a timer
 * (about 24.8 days). Its beats, every 6.2 days, keep this broker's id fresh for
 * that sweep (stale after 3 × the interval), as the one-minute beats did.
 */
export const AEDES_HEARTBEAT_INTERVAL_MS = Math.floor(TIMER_MAX_MS / 4 / HEARTBEAT_INTERVAL_MS) * HEARTBEAT_INTERVAL_MS;

export class Heartbeat {
  private readonly topic: string;
  private readonly payload: Buffer;
  /** mq listeners (one per client subscription) whose filter matches the heartbeat topic. */
  private readonly listeners = new Set<unknown>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** `startMs`: Date.now() when aedes was created with heartbeatInterval AEDES_HEARTBEAT_INTERVAL_MS (its grid's origin). */
  constructor(
    private readonly aedes: Aedes,
    private readonly startMs: number,
  ) {
    this.topic = `$SYS/${aedes.id}/heartbeat`;
    this.payload = Buffer.from(aedes.id, 'utf8');
    // Every client subscription (new, changed, restored from a session) and its removal passes here.
    const subscribe = aedes.subscribe.bind(aedes);
    const unsubscribe = aedes.unsubscribe.bind(aedes);
    aedes.subscribe = ((filter: string, func: unknown, done?: () => void) => {
      if (topicMatches(filter, this.topic)) this.listeners.add(func);
      this.arm();
      return (subscribe as (...a: unknown[]) => void)(filter, func, done);
    }) as Aedes['subscribe'];
    aedes.unsubscribe = ((filter: string, func: unknown, done?: () => void) => {
      this.listeners.delete(func);
      if (this.listeners.size === 0) this.stop();
      return (unsubscribe as (...a: unknown[]) => void)(filter, func, done);
    }) as Aedes['unsubscribe'];
  }

  /** Whether a heartbeat timer is pending (only while a subscription can receive it). */
  get armed(): boolean {
    return this.timer !== null;
  }

  private arm(): void {
    if (this.timer || this.listeners.size === 0 || this.aedes.closed) return;
    const now = Date.now();
    // The next beat strictly after now: one due at this very millisecond has already been sent or missed.
    const beats = Math.floor((now - this.startMs) / HEARTBEAT_INTERVAL_MS) + 1;
    this.timer = setTimeout(() => this.beat(beats), this.startMs + beats * HEARTBEAT_INTERVAL_MS - now);
  }

  private beat(n: number): void {
    this.timer = null;
    if (this.aedes.closed || this.listeners.size === 0) return;
    // aedes' own far interval beats on the same grid: never twice at one instant.
    if ((n * HEARTBEAT_INTERVAL_MS) % AEDES_HEARTBEAT_INTERVAL_MS !== 0) {
      // The very packet aedes' heartbeat() publishes: aedes-packet fills in QoS 0, not retained.
      this.aedes.publish({ topic: this.topic, payload: this.payload } as Parameters<Aedes['publish']>[0], () => undefined);
    }
    this.arm();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
