// IPv4 (RFC 791) and IPv6 (RFC 8200) down to the TCP segment (RFC 9293).
import { CaptureError } from './errors.ts';
import type { CaptureFrame } from './frames.ts';
import type { NetworkPacket } from './link.ts';
import { IPPROTO_TCP } from './numbers.ts';

// IPv6 extension headers that may sit between the fixed header and TCP.
const IPV6_HOPOPTS = 0;
const IPV6_ROUTING = 43;
const IPV6_FRAGMENT = 44;
const IPV6_DSTOPTS = 60;

export interface TcpSegment {
  frame: number;
  tNs: bigint;
  srcAddr: string;
  dstAddr: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  payload: Buffer;
  /** The frame was cut at the snap length inside this segment's payload: bytes are missing. */
  cut: boolean;
}

export type SegmentResult = TcpSegment | { skip: 'not-tcp' } | { skip: 'fragment' | 'short'; detail: string };

function v6Addr(b: Buffer): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(b.readUInt16BE(i).toString(16));
  return parts.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

export function decodeIp(f: CaptureFrame, net: NetworkPacket, file: string): SegmentResult {
  const d = net.data;
  const fail = (at: number, msg: string) => new CaptureError({ file, where: `frame ${f.frame}`, offset: f.offset + net.at + at }, msg);
  const short = (what: string): SegmentResult => ({ skip: 'short', detail: `frame cut at ${f.data.length} bytes inside the ${what}` });
  let proto: number;
  let l4: number; // offset of the TCP header in d
  let end: number; // end of the IP payload in d
  let src: string;
  let dst: string;
  if (net.ipVersion === 4) {
    if (d.length < 20) return short('IPv4 header');
    const version = d[0]! >> 4;
    if (version !== 4) throw fail(0, `IPv4 header has version ${version}`);
    const ihl = (d[0]! & 0x0f) * 4;
    if (ihl < 20) throw fail(0, `IPv4 header length ${ihl} is less than 20`);
    const total = d.readUInt16BE(2);
    if (total < ihl) throw fail(2, `IPv4 total length ${total} is less than its header length ${ihl}`);
    if (d.length < ihl) return short('IPv4 options');
    const fragOff = d.readUInt16BE(6);
    proto = d[9]!;
    if (proto !== IPPROTO_TCP) return { skip: 'not-tcp' };
    if (fragOff & 0x3fff) return { skip: 'fragment', detail: 'IPv4 fragment (fragment reassembly is not supported)' };
    src = [...d.subarray(12, 16)].join('.');
    dst = [...d.subarray(16, 20)].join('.');
    l4 = ihl;
    // Ethernet pads short frames to 60 bytes: the IP total length says where the packet really ends.
    end = total;
  } else {
    if (d.length < 40) return short('IPv6 header');
    const version = d[0]! >> 4;
    if (version !== 6) throw fail(0, `IPv6 header has version ${version}`);
    src = v6Addr(d.subarray(8, 24));
    dst = v6Addr(d.subarray(24, 40));
    end = 40 + d.readUInt16BE(4);
    proto = d[6]!;
    l4 = 40;
    while (proto === IPV6_HOPOPTS || proto === IPV6_ROUTING || proto === IPV6_DSTOPTS || proto === IPV6_FRAGMENT) {
      if (d.length < l4 + 8) return short('IPv6 extension header');
      if (proto === IPV6_FRAGMENT) {
        const fo = d.readUInt16BE(l4 + 2);
        if (fo & 0xfff9) return { skip: 'fragment', detail: 'IPv6 fragment (fragment reassembly is not supported)' };
        proto = d[l4]!;
        l4 += 8;
      } else {
        proto = d[l4]!;
        l4 += (d[l4 + 1]! + 1) * 8;
      }
    }
    if (proto !== IPPROTO_TCP) return { skip: 'not-tcp' };
  }
  if (d.length < l4 + 20) return short('TCP header');
  const t = l4;
  const doff = (d[t + 12]! >> 4) * 4;
  if (doff < 20) throw fail(t + 12, `TCP data offset ${doff} is less than 20`);
  if (end < t + doff) throw fail(t + 12, `TCP header (${doff} bytes) runs past the end of the IP packet (${end - t} bytes)`);
  if (d.length < t + doff) return short('TCP options');
  const payloadEnd = Math.min(end, d.length);
  return {
    frame: f.frame,
    tNs: f.tNs,
    srcAddr: src,
    dstAddr: dst,
    srcPort: d.readUInt16BE(t),
    dstPort: d.readUInt16BE(t + 2),
    seq: d.readUInt32BE(t + 4),
    ack: d.readUInt32BE(t + 8),
    flags: d[t + 13]!,
    payload: d.subarray(t + doff, payloadEnd),
    cut: payloadEnd < end,
  };
}
