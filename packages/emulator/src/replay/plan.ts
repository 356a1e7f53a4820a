// Which captured packets to re-publish into the emulated broker, and when.
// A command is a PUBLISH sent to the broker by a client other than the node,
// on a topic the node subscribes; it keeps its capture-relative timing.
import { byTime } from '../capture/numbers.ts';
import { MQTT_CLIENT_ID, TOPIC_ZONE_OFF, TOPIC_ZONE_ON, TOPIC_ZONE_STATUS } from '@esphil/esp-model';
import type { CapturedPacket } from '../capture/types.ts';
import { topicMatches, validateTopicFilter } from './topic-filter.ts';
import { formatDuration } from '../scenario/duration.ts';

/** The sketch's MQTT client id and subscriptions (docs/architecture.md, "The node being emulated"). */
export const NODE_CLIENT_ID = MQTT_CLIENT_ID;
export const NODE_TOPICS = [TOPIC_ZONE_ON, TOPIC_ZONE_OFF, TOPIC_ZONE_STATUS];

export interface ReplayPlanOptions {
  /** Client id of the node; its own packets are never replayed. Default NODE_CLIENT_ID. */
  nodeClientId?: string;
  /** Topic filters (MQTT wildcards allowed). Default NODE_TOPICS. */
  topics?: string[];
  /** Replay speed: gaps between commands are divided by it. Default 1. */
  speed?: number;
  /** Only commands captured at or after this long (ns) from the capture start; offsets then count from here. */
  fromNs?: bigint;
  /** Only commands captured before this long (ns) from the capture start. */
  toNs?: bigint;
}

export interface ReplayCommand {
  /** When to publish, relative to the moment the node has subscribed. */
  offsetNs: bigint;
  /** When it was captured, relative to the capture start. */
  capturedNs: bigint;
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  clientId: string;
  /** Index of the source packet in the capture, and where it was ('frame 12', 'line 3'). */
  packetIndex: number;
  where: string;
}

export interface ReplayPlan {
  commands: ReplayCommand[];
  captureStartNs: bigint;
  /** Why the other PUBLISH packets were left out, as counts. */
  skipped: { fromNode: number; deliveries: number; otherTopics: number; outsideWindow: number };
}

function finiteAtLeast(name: string, v: number | undefined, min: number, strict: boolean): void {
  if (v === undefined) return;
  if (!Number.isFinite(v) || (strict ? v <= min : v < min)) {
    throw new RangeError(`${name} must be a number ${strict ? '>' : '>='} ${min}, got ${v}`);
  }
}


export function planReplay(capture: { packets: CapturedPacket[]; startNs: bigint }, opts: ReplayPlanOptions = {}): ReplayPlan {
  const node = opts.nodeClientId ?? NODE_CLIENT_ID;
  const topics = opts.topics ?? NODE_TOPICS;
  const speed = opts.speed ?? 1;
  finiteAtLeast('speed', speed, 0, true);
  const { fromNs, toNs } = opts;
  if ((fromNs ?? 0n) < 0n || (toNs ?? 0n) < 0n) throw new RangeError(`from and to must be >= 0, got ${fromNs ?? 0n} ns and ${toNs ?? 0n} ns`);
  if (fromNs !== undefined && toNs !== undefined && toNs <= fromNs) {
    throw new RangeError(`to (${formatDuration(toNs)}) must be after from (${formatDuration(fromNs)})`);
  }
  if (topics.length === 0) throw new RangeError('at least one topic filter is needed');
  topics.forEach(validateTopicFilter);
  const skipped = { fromNode: 0, deliveries: 0, otherTopics: 0, outsideWindow: 0 };
  const chosen: CapturedPacket[] = [];
  for (const p of capture.packets) {
    if (p.packet.cmd !== 'publish') continue;
    if (p.dir === 'from-broker') skipped.deliveries++;
    else if (p.clientId === node) skipped.fromNode++;
    else if (!topics.some((f) => topicMatches(f, p.packet.cmd === 'publish' ? p.packet.topic : ''))) skipped.otherTopics++;
    else {
      const rel = p.tNs - capture.startNs;
      if ((fromNs !== undefined && rel < fromNs) || (toNs !== undefined && rel >= toNs)) skipped.outsideWindow++;
      else chosen.push(p);
    }
  }
  const sorted = chosen.map((p, i) => ({ p, i })).sort((a, b) => byTime(a.p, b.p) || a.i - b.i);
  const base = fromNs !== undefined ? capture.startNs + fromNs : sorted[0]?.p.tNs ?? capture.startNs;
  const commands = sorted.map(({ p }): ReplayCommand => {
    if (p.packet.cmd !== 'publish') throw new Error('unreachable: only PUBLISH packets are chosen');
    const gap = p.tNs - base;
    return {
      offsetNs: speed === 1 ? gap : BigInt(Math.round(Number(gap) / speed)),
      capturedNs: p.tNs - capture.startNs,
      topic: p.packet.topic,
      payload: Buffer.isBuffer(p.packet.payload) ? p.packet.payload : Buffer.from(p.packet.payload),
      qos: p.packet.qos,
      retain: p.packet.retain,
      clientId: p.clientId,
      packetIndex: p.index,
      where: p.where,
    };
  });
  return { commands, captureStartNs: capture.startNs, skipped };
}
