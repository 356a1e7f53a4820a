// Classic libpcap files (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html):
// 24-byte file header, then 16-byte record headers. Magic 0xa1b2c3d4 means
// microsecond timestamps, 0xa1b23c4d nanoseconds; read in the file's byte order.
import { CaptureError } from './errors.ts';
import { Reader, type CaptureFrame, type FramesResult } from './frames.ts';
import { PCAP_MAGIC_NS, PCAP_MAGIC_US } from './numbers.ts';

const FILE_HEADER = 24;
const RECORD_HEADER = 16;
/** Wireshark's largest accepted record (WTAP_MAX_PACKET_SIZE_STANDARD). */
export const MAX_RECORD = 262144;

export function isPcap(buf: Buffer): boolean {
  if (buf.length < 4) return false;
  const m = buf.readUInt32LE(0);
  const b = buf.readUInt32BE(0);
  return m === PCAP_MAGIC_US || m === PCAP_MAGIC_NS || b === PCAP_MAGIC_US || b === PCAP_MAGIC_NS;
}

export function readPcapFrames(buf: Buffer, file: string): FramesResult {
  const magicLe = buf.readUInt32LE(0);
  const le = magicLe === PCAP_MAGIC_US || magicLe === PCAP_MAGIC_NS;
  const r = new Reader(buf, le);
  const nano = r.u32(0) === PCAP_MAGIC_NS;
  if (buf.length < FILE_HEADER) {
    throw new CaptureError({ file, where: 'file header', offset: 0 }, `file is ${buf.length} bytes, shorter than the 24-byte pcap header`);
  }
  const major = r.u16(4);
  if (major !== 2) throw new CaptureError({ file, where: 'file header', offset: 4 }, `pcap version ${major}.${r.u16(6)} not supported (expected 2.4)`);
  // The upper bits of the link-type field carry the FCS length (draft section 4).
  const linkType = r.u32(20) & 0x0fffffff;
  const frames: CaptureFrame[] = [];
  let off = FILE_HEADER;
  let n = 0;
  while (off < buf.length) {
    n++;
    const where = `record ${n}`;
    if (buf.length - off < RECORD_HEADER) {
      return { frames, notes: [], truncated: { where, offset: off, detail: `file ends ${buf.length - off} bytes into the 16-byte record header` } };
    }
    const sec = r.u32(off);
    const frac = r.u32(off + 4);
    const capLen = r.u32(off + 8);
    const origLen = r.u32(off + 12);
    if (capLen > MAX_RECORD) {
      throw new CaptureError({ file, where, offset: off + 8 }, `captured length ${capLen} exceeds the ${MAX_RECORD}-byte maximum (corrupt record header)`);
    }
    if (frac >= (nano ? 1_000_000_000 : 1_000_000)) {
      throw new CaptureError({ file, where, offset: off + 4 }, `${nano ? 'nanosecond' : 'microsecond'} field ${frac} is out of range`);
    }
    const dataOff = off + RECORD_HEADER;
    if (dataOff + capLen > buf.length) {
      return {
        frames, notes: [],
        truncated: { where, offset: off, detail: `file ends ${buf.length - dataOff} bytes into ${capLen} bytes of packet data` },
      };
    }
    const tNs = BigInt(sec) * 1_000_000_000n + BigInt(frac) * (nano ? 1n : 1000n);
    frames.push({ frame: n, tNs, linkType, data: buf.subarray(dataOff, dataOff + capLen), offset: dataOff, origLen: Math.max(origLen, capLen) });
    off = dataOff + capLen;
  }
  return { frames, notes: [] };
}
