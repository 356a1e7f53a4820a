// Drives a replay through the world: boot the node until it has subscribed,
// publish each planned command at its offset in virtual time, then let zone
// timers run out, collecting the relay timeline.
import type { ReplayCommand, ReplayPlan } from './plan.ts';
import { toTimeline, type RelayChange, type RelayEventNs } from './timeline.ts';
import { parseZoneCommand, TOPIC_ZONE_ON } from '@esphil/esp-model';

/** What runReplay needs from the world (provided by the emulator's world module). */
export interface ReplayWorld {
  nowNs(): bigint;
  /** Boots the node until it has subscribed; rejects after timeoutNs of virtual time. */
  waitUntilSubscribed(timeoutNs: bigint): Promise<void>;
  /** Advances virtual time to tNs. */
  runUntil(tNs: bigint): Promise<void>;
  /** Publishes as the operator client. */
  publish(topic: string, payload: Buffer, opts: { qos: 0 | 1 | 2; retain: boolean }): Promise<void>;
  onRelays(cb: (e: RelayEventNs) => void): void;
}

const S = 1_000_000_000n;
/** The topic whose commands start zone timers (docs/architecture.md: `irrigation/zone/on "<zone> <seconds>"`). */
export const ZONE_ON_TOPIC = TOPIC_ZONE_ON;

export interface ReplayRunOptions {
  /** Virtual time allowed for boot, Wi-Fi, NTP, TLS and subscribing. Default 600 s. */
  subscribeTimeoutNs?: bigint;
  /**
   * After the last command: 'timers' (default) runs until every zone timer
   * started by the replayed commands has expired and no relay is on, at most
   * maxSettleNs; a bigint runs exactly that long.
   */
  settle?: 'timers' | bigint;
  /** Upper bound of the 'timers' settle period. Default 3600 s. */
  maxSettleNs?: bigint;
  /** Called just before each command is published (for progress output). */
  onCommand?: (cmd: ReplayCommand, index: number, tNs: bigint) => void;
}

export interface ReplayResult {
  subscribedAtNs: bigint;
  endNs: bigint;
  timeline: RelayChange[];
  /** Every relay event seen, in world time (including before the subscription). */
  events: RelayEventNs[];
}

/** Slack after a timer's nominal expiry: the sketch checks timers from loop(), then shifts the byte out over SPI. */
const TIMER_SLACK_NS = 1n * S;
/** Step used while waiting for relays to drop after the computed deadline. */
const SETTLE_STEP_NS = 1n * S;

/** Latest moment (relative to the subscription) at which a zone timer started by these commands expires. */
export function zoneTimersDeadlineNs(commands: ReplayCommand[]): bigint {
  let end = 0n;
  for (const c of commands) {
    let until = c.offsetNs;
    if (c.topic === ZONE_ON_TOPIC) {
      const cmd = parseZoneCommand(c.payload);
      if (cmd.action === 'on') until += BigInt(cmd.durationMs) * 1_000_000n;
    }
    if (until > end) end = until;
  }
  return end;
}

export async function runReplay(world: ReplayWorld, plan: ReplayPlan, opts: ReplayRunOptions = {}): Promise<ReplayResult> {
  const maxSettle = opts.maxSettleNs ?? 3600n * S;
  const settle = opts.settle ?? 'timers';
  if (typeof settle === 'bigint' && settle < 0n) throw new RangeError(`settle period must be >= 0 ns, got ${settle}`);
  if (maxSettle < 0n) throw new RangeError(`maximum settle period must be >= 0 ns, got ${maxSettle}`);
  const runTo = async (t: bigint) => {
    if (t > world.nowNs()) await world.runUntil(t);
  };
  const events: RelayEventNs[] = [];
  let on: number[] = [];
  world.onRelays((e) => {
    events.push({ tNs: e.tNs, on: [...e.on] });
    on = e.on;
  });
  await world.waitUntilSubscribed(opts.subscribeTimeoutNs ?? 600n * S);
  const t0 = world.nowNs();
  for (const [i, c] of plan.commands.entries()) {
    await runTo(t0 + c.offsetNs);
    opts.onCommand?.(c, i, world.nowNs());
    await world.publish(c.topic, c.payload, { qos: c.qos, retain: c.retain });
  }
  const last = plan.commands.length > 0 ? t0 + plan.commands.at(-1)!.offsetNs : t0;
  const lastDone = world.nowNs() > last ? world.nowNs() : last;
  if (typeof settle === 'bigint') {
    await runTo(lastDone + settle);
  } else {
    const cap = lastDone + maxSettle;
    const timers = t0 + zoneTimersDeadlineNs(plan.commands) + TIMER_SLACK_NS;
    await runTo(timers < cap ? timers : cap);
    // A firmware that keeps a zone on past its timer is still followed, up to the cap.
    while (on.length > 0 && world.nowNs() < cap) {
      const next = world.nowNs() + SETTLE_STEP_NS;
      await runTo(next < cap ? next : cap);
    }
  }
  return { subscribedAtNs: t0, endNs: world.nowNs(), timeline: toTimeline(events, t0), events };
}
