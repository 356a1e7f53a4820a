// TCP connection tracking and per-direction reassembly by sequence number,
// the way a receiving stack delivers bytes (RFC 9293 section 3.10.7.4):
// segments are taken in capture order; bytes already delivered
// (retransmissions, overlaps) are dropped, so the first copy of a byte wins;
// segments beyond the next expected byte wait until the hole is filled, and
// their bytes are then delivered at the time of the segment that filled it.
import type { Endpoint } from './records.ts';
import type { TcpSegment } from './ip.ts';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from './numbers.ts';


/** Bytes that became deliverable in order, at one moment. */
export interface StreamChunk {
  at: number; // stream offset of bytes[0]
  bytes: Buffer;
  tNs: bigint;
  frame: number;
}

export interface TcpDirectionStream {
  from: Endpoint;
  to: Endpoint;
  /** Saw the SYN of this direction, so offset 0 is the true start of the stream. */
  fromStart: boolean;
  chunks: StreamChunk[];
  length: number;
  /** Bytes missing from the capture at this offset: nothing after it can be delivered. */
  gap?: { at: number; frame: number; missing: number };
}

export interface TcpConnection {
  id: number;
  firstFrame: number;
  /** Endpoint that sent the opening SYN (or was answered by a SYN-ACK); null when the handshake was not captured. */
  initiator: 0 | 1 | null;
  ends: [Endpoint, Endpoint];
  /** dirs[0]: ends[0] → ends[1]; dirs[1]: the reverse. */
  dirs: [TcpDirectionStream, TcpDirectionStream];
}

interface Pending {
  rel: number;
  seg: TcpSegment;
}

interface Building {
  conn: TcpConnection;
  segs: [TcpSegment[], TcpSegment[]];
  isn: [number | null, number | null];
  closed: boolean;
  fin: [boolean, boolean];
}

const key = (e: Endpoint) => `${e.address}|${e.port}`;

/** Groups segments into connections (a new SYN on a finished 4-tuple starts a new one) and reassembles both directions. */
export function reassembleTcp(segments: TcpSegment[]): TcpConnection[] {
  const byTuple = new Map<string, Building>();
  const all: Building[] = [];
  for (const s of segments) {
    const src = { address: s.srcAddr, port: s.srcPort };
    const dst = { address: s.dstAddr, port: s.dstPort };
    const [k1, k2] = [key(src), key(dst)];
    const tuple = k1 < k2 ? `${k1}/${k2}` : `${k2}/${k1}`;
    let b = byTuple.get(tuple);
    const bareSyn = (s.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    let side = b ? (key(b.conn.ends[0]) === k1 && key(b.conn.ends[1]) === k2 ? 0 : 1) : 0;
    const retransmittedSyn = b !== undefined && side === b.conn.initiator && b.isn[side] === s.seq;
    if (!b || (bareSyn && !retransmittedSyn && (b.closed || b.isn[side] !== null || hasData(b)))) {
      const conn: TcpConnection = {
        id: all.length, firstFrame: s.frame, initiator: null, ends: [src, dst],
        dirs: [{ from: src, to: dst, fromStart: false, chunks: [], length: 0 }, { from: dst, to: src, fromStart: false, chunks: [], length: 0 }],
      };
      b = { conn, segs: [[], []], isn: [null, null], closed: false, fin: [false, false] };
      byTuple.set(tuple, b);
      all.push(b);
      side = 0;
    }
    if (s.flags & TCP_SYN) {
      b.isn[side] = s.seq;
      if (b.conn.initiator === null) b.conn.initiator = (s.flags & TCP_ACK ? 1 - side : side) as 0 | 1;
    }
    if (s.flags & TCP_FIN) b.fin[side] = true;
    if (s.flags & TCP_RST || (b.fin[0] && b.fin[1])) b.closed = true;
    b.segs[side].push(s);
  }
  for (const b of all) {
    for (const side of [0, 1] as const) deliver(b.conn.dirs[side], b.segs[side], b.isn[side]);
  }
  return all.map((b) => b.conn);
}

function hasData(b: Building): boolean {
  return b.segs[0].some((s) => s.payload.length > 0) || b.segs[1].some((s) => s.payload.length > 0);
}

function deliver(dir: TcpDirectionStream, segs: TcpSegment[], isn: number | null): void {
  const dataSeq = (s: TcpSegment) => (s.seq + (s.flags & TCP_SYN ? 1 : 0)) >>> 0;
  const carrying = segs.filter((s) => s.payload.length > 0);
  if (carrying.length === 0) return;
  let base: number;
  if (isn !== null) {
    base = (isn + 1) >>> 0;
    dir.fromStart = true;
  } else {
    // No SYN: the stream starts at the lowest sequence number seen (signed distance copes with wrap-around).
    const first = dataSeq(carrying[0]!);
    let min = 0;
    for (const s of carrying) min = Math.min(min, (dataSeq(s) - first) | 0);
    base = (first + min) >>> 0;
  }
  let next = 0;
  const pending: Pending[] = [];
  const take = (rel: number, seg: TcpSegment, by: TcpSegment) => {
    const bytes = seg.payload.subarray(next - rel);
    dir.chunks.push({ at: next, bytes, tNs: by.tNs, frame: by.frame });
    next += bytes.length;
  };
  for (const s of carrying) {
    const rel = (dataSeq(s) - base) | 0;
    if (rel + s.payload.length <= next) continue; // retransmission of delivered bytes
    if (rel > next) {
      pending.push({ rel, seg: s });
      continue;
    }
    take(rel, s, s);
    for (;;) {
      let best = -1;
      for (let i = 0; i < pending.length; i++) {
        const p = pending[i]!;
        if (p.rel <= next && (best < 0 || p.rel < pending[best]!.rel)) best = i;
      }
      if (best < 0) break;
      const [p] = pending.splice(best, 1);
      if (p!.rel + p!.seg.payload.length > next) take(p!.rel, p!.seg, s);
    }
  }
  dir.length = next;
  if (pending.length > 0) {
    const first = pending.reduce((a, p) => (p.rel < a.rel ? p : a));
    dir.gap = { at: next, frame: first.seg.frame, missing: first.rel - next };
  }
}
