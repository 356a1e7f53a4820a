// The relay timeline of a replay: one line per change of the energised zones,
//   {"event":"relays","t":"<ns since the node subscribed>","on":[zones]}
// the same lines `esphil serve --json` prints. Expected timelines are read from
// such lines or taken from an esphil trace (its "relays" events).
import { byTime } from '../capture/numbers.ts';
import { formatDuration } from '../scenario/duration.ts';
import { NODE_CLIENT_ID, NODE_TOPICS } from './plan.ts';
import { topicMatches } from './topic-filter.ts';

export interface RelayChange {
  /** Nanoseconds since the node subscribed. */
  t: bigint;
  /** Energised zones, ascending. */
  on: number[];
}

export interface RelayEventNs {
  tNs: bigint;
  on: number[];
}

export class TimelineError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'TimelineError';
  }
}

const sameSet = (a: number[], b: number[]) => a.length === b.length && a.every((z, i) => z === b[i]);
const ascending = (on: number[]) => [...on].sort((a, b) => a - b);

/**
 * Relay events (world time) → timeline relative to `subscribedNs`. Events
 * before it only set the starting state; an event that does not change the
 * energised set is not a change and is left out.
 */
export function toTimeline(events: RelayEventNs[], subscribedNs: bigint): RelayChange[] {
  const out: RelayChange[] = [];
  let prev: number[] | undefined;
  for (const e of [...events].sort(byTime)) {
    const on = ascending(e.on);
    if (prev && sameSet(prev, on)) continue;
    prev = on;
    if (e.tNs >= subscribedNs) out.push({ t: e.tNs - subscribedNs, on });
  }
  return out;
}

export function formatTimelineJson(c: RelayChange): string {
  return JSON.stringify({ event: 'relays', t: String(c.t), on: c.on });
}

const fmtOn = (on: number[]) => (on.length === 0 ? 'none' : on.join(', '));

/** A time since the node subscribed, as a duration: "+2min 0.5s" style ("+2min 500ms"). */
export const formatSinceSubscribed = (t: bigint): string => `+${formatDuration(t)}`;

/** Human-readable: "          +2min  on: 2". */
export function formatTimelineText(tl: RelayChange[]): string {
  if (tl.length === 0) return 'no relay changes\n';
  return tl.map((c) => `${formatSinceSubscribed(c.t).padStart(16)}  on: ${fmtOn(c.on)}\n`).join('');
}

function zones(v: unknown, fail: (m: string) => never): number[] {
  if (!Array.isArray(v) || !v.every((z) => Number.isInteger(z) && z >= 0 && z < 8)) fail(`"on" must be an array of zone numbers 0..7, got ${JSON.stringify(v)}`);
  return ascending(v as number[]);
}

function nanoseconds(t: unknown, fail: (m: string) => never): bigint {
  if (typeof t !== 'string' || !/^\d+$/.test(t)) fail(`"t" must be a decimal string of nanoseconds, got ${JSON.stringify(t)}`);
  return BigInt(t as string);
}

export interface ParseTimelineOptions {
  /** For traces: the node whose SUBACK marks t = 0. Default NODE_CLIENT_ID. */
  nodeClientId?: string;
  /** For traces: t = 0 is the SUBACK after which the node holds all these subscriptions. Default NODE_TOPICS. */
  topics?: string[];
}

/**
 * Reads an expected timeline: lines {"event":"relays",...} (other events are
 * ignored), or an esphil trace whose {"kind":"relays","t":"<ns>"} events are
 * placed relative to the node's subscription, found in the trace's MQTT events.
 */
export function parseTimeline(text: string, file: string, opts: ParseTimelineOptions = {}): RelayChange[] {
  const lines = text.split('\n');
  const direct: RelayChange[] = [];
  const traced: RelayEventNs[] = [];
  /** Line numbers of the direct changes and of the first traced one, for errors found after reading. */
  const directLines: number[] = [];
  let firstTracedLine = 0;
  const subs = new Subscriptions(opts.nodeClientId ?? NODE_CLIENT_ID, opts.topics ?? NODE_TOPICS);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const fail = (m: string): never => {
      throw new TimelineError(file, i + 1, m);
    };
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line);
    } catch (e) {
      return fail(`not JSON: ${(e as Error).message}`);
    }
    if (o === null || typeof o !== 'object' || Array.isArray(o)) fail('expected a JSON object');
    if (o.event === 'relays') {
      direct.push({ t: nanoseconds(o.t, fail), on: zones(o.on, fail) });
      directLines.push(i + 1);
    } else if (o.kind === 'relays' || o.kind === 'mqtt') {
      const tNs = nanoseconds(o.t, fail);
      if (o.kind === 'relays') {
        traced.push({ tNs, on: zones(o.on, fail) });
        firstTracedLine ||= i + 1;
      }
      else subs.see(o, tNs);
    }
  }
  if (direct.length > 0 && traced.length > 0) throw new TimelineError(file, Math.max(directLines[0]!, firstTracedLine), 'mixes {"event":"relays"} lines and trace {"kind":"relays"} events');
  if (traced.length === 0) {
    for (let i = 1; i < direct.length; i++) {
      if (direct[i]!.t < direct[i - 1]!.t) throw new TimelineError(file, directLines[i]!, `relay changes are not in time order (${formatSinceSubscribed(direct[i]!.t)} after ${formatSinceSubscribed(direct[i - 1]!.t)})`);
    }
    return direct;
  }
  if (subs.at === undefined) {
    throw new TimelineError(file, firstTracedLine, `trace has relay events but no SUBACK to ${subs.node} completing its subscriptions (${subs.topics.join(', ')}), so there is no t = 0`);
  }
  return toTimeline(traced, subs.at);
}

/** Tracks the node's SUBSCRIBE/SUBACK pairs in a trace to find when it first held every wanted subscription. */
class Subscriptions {
  at: bigint | undefined;
  private pending = new Map<number, string[]>();
  private held = new Set<string>();
  constructor(
    readonly node: string,
    readonly topics: string[],
  ) {}
  see(o: Record<string, unknown>, tNs: bigint): void {
    if (this.at !== undefined || o.client !== this.node) return;
    const p = o.packet as { cmd?: string; messageId?: number; subscriptions?: { topic: string }[]; granted?: number[] } | undefined;
    if (!p || typeof p.messageId !== 'number') return;
    if (o.dir === 'to-broker' && p.cmd === 'subscribe') this.pending.set(p.messageId, (p.subscriptions ?? []).map((s) => s.topic));
    if (o.dir === 'from-broker' && p.cmd === 'suback') {
      const asked = this.pending.get(p.messageId) ?? [];
      asked.forEach((t, i) => (p.granted?.[i] ?? 0) < 0x80 && this.held.add(t));
      if (this.topics.every((want) => [...this.held].some((h) => topicMatches(h, want)))) this.at = tNs;
    }
  }
}
