// The operator's half of the update protocol (docs/ota.md): begin until the node answers,
// one chunk per `ack`, resynchronising with a new `begin` when an ack does not come (the
// session dropped), then `end` and the node's verdict. The same driver runs in a scenario
// (virtual time) and in `esphil ota-avr` (a real broker).
import { OTA_CHUNK_BYTES, TOPIC_OTA_BEGIN, TOPIC_OTA_CHUNK, TOPIC_OTA_END } from '@esphil/esp-model';
import type { SignedImage } from './image.ts';

/** How long the operator waits for each status before it sends `begin` again. */
export const OTA_ACK_TIMEOUT_MS = 5_000;
/** How long the whole update may stall (no progress) before the operator gives up. */
export const OTA_STALL_LIMIT_MS = 120_000;
/** Programming, read-back and the AVR's start-up: generous for a full 16 KB image. */
export const OTA_VERDICT_TIMEOUT_MS = 60_000;

export interface OtaLink {
  publish(topic: string, payload: Buffer): Promise<void>;
  /** The next status text the node publishes, or null after timeoutMs (in the link's own time). */
  nextStatus(timeoutMs: number): Promise<string | null>;
}

export interface OtaOptions {
  /** Send only this many chunks, then stop (an interrupted transfer). */
  maxChunks?: number;
  /** Return as soon as the node reports `programming`. */
  untilProgramming?: boolean;
  progress?: (p: { status: string; sent: number; total: number }) => void;
}

export interface OtaResult {
  /** `done relays xx`, `error <code> ...`, `stopped`, `programming` or `timeout`. */
  verdict: string;
  /** The offset the node said it had at the first `ready` (non-zero: a resumed transfer). */
  resumedFrom: number;
  statuses: string[];
}

export async function runOtaUpdate(link: OtaLink, signed: SignedImage, opts: OtaOptions = {}): Promise<OtaResult> {
  const statuses: string[] = [];
  const total = signed.image.length;
  let resumedFrom = -1;
  let offset = -1;
  let stalledMs = 0;
  let sentChunks = 0;
  const next = async (ms: number) => {
    const s = await link.nextStatus(ms);
    if (s !== null) {
      statuses.push(s);
      opts.progress?.({ status: s, sent: Math.max(offset, 0), total });
    }
    return s;
  };
  const result = (verdict: string): OtaResult => ({ verdict, resumedFrom: Math.max(resumedFrom, 0), statuses });

  while (offset < total) {
    if (stalledMs >= OTA_STALL_LIMIT_MS) return result('timeout');
    if (offset < 0) await link.publish(TOPIC_OTA_BEGIN, signed.begin);
    else {
      if (opts.maxChunks !== undefined && sentChunks >= opts.maxChunks) return result('stopped');
      await link.publish(TOPIC_OTA_CHUNK, signed.chunks[offset / OTA_CHUNK_BYTES]!);
      sentChunks++;
    }
    const s = await next(OTA_ACK_TIMEOUT_MS);
    if (s === null) {
      // The session dropped or the node was busy reconnecting: ask where it stands.
      stalledMs += OTA_ACK_TIMEOUT_MS;
      offset = -1;
      continue;
    }
    stalledMs = 0;
    const [word, arg] = s.split(' ');
    if (word === 'error') return result(s);
    if (word === 'ready' || word === 'ack') {
      const n = Number(arg);
      if (word === 'ready' && resumedFrom < 0) resumedFrom = n;
      if (n % OTA_CHUNK_BYTES !== 0 && n !== total) return result(`error node acknowledged ${n}, not a chunk boundary`);
      offset = n;
    }
  }
  await link.publish(TOPIC_OTA_END, Buffer.alloc(0));
  for (;;) {
    const s = await next(OTA_VERDICT_TIMEOUT_MS);
    if (s === null) return result('timeout');
    if (s.startsWith('done') || s.startsWith('error')) return result(s);
    if (s === 'programming' && opts.untilProgramming) return result(s);
  }
}
