// pcapng (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html):
// a sequence of blocks {type, total length, body, total length}. Each Section
// Header Block sets the byte order (byte-order magic 0x1a2b3c4d) and starts a
// fresh list of interfaces; IDBs give link type and if_tsresol/if_tsoffset;
// packets come in EPB, SPB and the obsolete Packet Block. Other blocks are skipped.
import { CaptureError } from './errors.ts';
import { Reader, type CaptureFrame, type FramesResult } from './frames.ts';
import { MAX_RECORD } from './pcap.ts';

export const BT_SHB = 0x0a0d0d0a;
export const BT_IDB = 0x00000001;
export const BT_PB = 0x00000002; // obsolete Packet Block
export const BT_SPB = 0x00000003;
export const BT_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_ENDOFOPT = 0;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;

export function isPcapng(buf: Buffer): boolean {
  return buf.length >= 4 && buf.readUInt32LE(0) === BT_SHB;
}

interface Iface {
  linkType: number;
  snapLen: number;
  /** ticks → ns: ns = ticks * mul / div */
  mul: bigint;
  div: bigint;
  offsetNs: bigint;
}

function tsresol(v: number): { mul: bigint; div: bigint } {
  const exp = BigInt(v & 0x7f);
  if (v & 0x80) return { mul: 1_000_000_000n, div: 1n << exp }; // 2^-exp seconds
  return exp <= 9n ? { mul: 10n ** (9n - exp), div: 1n } : { mul: 1n, div: 10n ** (exp - 9n) };
}

export function readPcapngFrames(buf: Buffer, file: string): FramesResult {
  const r = new Reader(buf, true);
  const frames: CaptureFrame[] = [];
  const notes: FramesResult['notes'] = [];
  let ifaces: Iface[] = [];
  let off = 0;
  let block = 0;
  let frameNo = 0;
  let lastTNs = 0n;
  while (off < buf.length) {
    block++;
    const where = `block ${block}`;
    const err = (at: number, msg: string) => new CaptureError({ file, where, offset: at }, msg);
    if (buf.length - off < 12) {
      return { frames, notes, truncated: { where, offset: off, detail: `file ends ${buf.length - off} bytes into a block header` } };
    }
    const type = buf.readUInt32LE(off); // the SHB type reads the same in both orders
    if (type === BT_SHB) {
      const bom = buf.readUInt32LE(off + 8);
      if (bom === BYTE_ORDER_MAGIC) r.le = true;
      else if (buf.readUInt32BE(off + 8) === BYTE_ORDER_MAGIC) r.le = false;
      else throw err(off + 8, `section header byte-order magic 0x${bom.toString(16).padStart(8, '0')} is not 0x1a2b3c4d`);
      ifaces = [];
    } else if (block === 1) {
      throw err(off, 'first block is not a Section Header Block');
    }
    const btype = r.u32(off);
    const len = r.u32(off + 4);
    if (len < 12 || len % 4 !== 0) throw err(off + 4, `block total length ${len} is not a multiple of 4 and at least 12`);
    if (off + len > buf.length) {
      return { frames, notes, truncated: { where, offset: off, detail: `file ends ${buf.length - off} bytes into a ${len}-byte block` } };
    }
    const trailer = r.u32(off + len - 4);
    if (trailer !== len) throw err(off + len - 4, `trailing block length ${trailer} differs from the leading ${len}`);
    const body = off + 8;
    const bodyEnd = off + len - 4;
    const need = (n: number, what: string) => {
      if (bodyEnd - body < n) throw err(off + 4, `${what} needs at least ${n + 12} bytes, block length is ${len}`);
    };
    const iface = (id: number, at: number): Iface => {
      const i = ifaces[id];
      if (!i) throw err(at, `interface id ${id} has no Interface Description Block (section has ${ifaces.length})`);
      return i;
    };
    const packet = (i: Iface, capLen: number, origLen: number, dataOff: number, tNs: bigint) => {
      if (capLen > MAX_RECORD) throw err(dataOff - 8, `captured length ${capLen} exceeds the ${MAX_RECORD}-byte maximum`);
      if (dataOff + capLen > bodyEnd) throw err(dataOff - 8, `captured length ${capLen} runs past the end of the block (${bodyEnd - dataOff} bytes left)`);
      frameNo++;
      lastTNs = tNs;
      frames.push({ frame: frameNo, tNs, linkType: i.linkType, data: buf.subarray(dataOff, dataOff + capLen), offset: dataOff, origLen: Math.max(origLen, capLen) });
    };
    const ticksToNs = (i: Iface, hi: number, lo: number) => (((BigInt(hi) << 32n) | BigInt(lo)) * i.mul) / i.div + i.offsetNs;
    switch (btype) {
      case BT_SHB: {
        need(16, 'Section Header Block');
        const major = r.u16(body + 4);
        if (major !== 1) throw err(body + 4, `pcapng version ${major}.${r.u16(body + 6)} not supported (expected 1.0)`);
        break;
      }
      case BT_IDB: {
        need(8, 'Interface Description Block');
        const i: Iface = { linkType: r.u16(body), snapLen: r.u32(body + 4), mul: 1000n, div: 1n, offsetNs: 0n }; // default resolution: µs
        for (let o = body + 8; o + 4 <= bodyEnd; ) {
          const code = r.u16(o);
          const olen = r.u16(o + 2);
          if (code === OPT_ENDOFOPT) break;
          if (o + 4 + olen > bodyEnd) throw err(o + 2, `option ${code} length ${olen} runs past the end of the block`);
          if (code === IF_TSRESOL && olen >= 1) Object.assign(i, tsresol(buf[o + 4]!));
          if (code === IF_TSOFFSET && olen >= 8) i.offsetNs = r.i64(o + 4) * 1_000_000_000n;
          o += 4 + olen + ((4 - (olen % 4)) % 4);
        }
        ifaces.push(i);
        break;
      }
      case BT_EPB: {
        need(20, 'Enhanced Packet Block');
        const i = iface(r.u32(body), body);
        packet(i, r.u32(body + 12), r.u32(body + 16), body + 20, ticksToNs(i, r.u32(body + 4), r.u32(body + 8)));
        break;
      }
      case BT_PB: {
        need(20, 'Packet Block');
        const i = iface(r.u16(body), body);
        packet(i, r.u32(body + 12), r.u32(body + 16), body + 20, ticksToNs(i, r.u32(body + 4), r.u32(body + 8)));
        break;
      }
      case BT_SPB: {
        need(4, 'Simple Packet Block');
        const i = iface(0, body);
        const origLen = r.u32(body);
        // An SPB has no captured length (min of original length, snap length, room) and no timestamp: it takes the previous packet's.
        const room = bodyEnd - (body + 4);
        const capLen = Math.min(origLen, i.snapLen || origLen, room);
        packet(i, capLen, origLen, body + 4, lastTNs);
        break;
      }
      default:
        break; // NRB, ISB, DSB, custom and unknown blocks carry nothing we replay
    }
    off += len;
  }
  return { frames, notes };
}
