// Builds Ethernet II / IPv4 / TCP frames for the pcap writer, with real
// checksums so Wireshark shows no "bad checksum" expert info.
// RFC 791 (IPv4 header), RFC 9293 (TCP header, pseudo-header checksum).
import { ETHERTYPE_IPV4, IPPROTO_TCP, TCP_ACK } from './numbers.ts';

/** RFC 1071 ones'-complement sum of 16-bit words, folded and complemented. */
export function internetChecksum(...parts: Buffer[]): number {
  let sum = 0;
  for (const b of parts) {
    const even = b.length & ~1;
    for (let i = 0; i < even; i += 2) sum += b.readUInt16BE(i);
    if (b.length & 1) sum += b[b.length - 1]! << 8;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export interface SegmentSpec {
  srcMac: Buffer;
  dstMac: Buffer;
  srcIp: Buffer; // 4 bytes
  dstIp: Buffer;
  ipId: number;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  payload: Buffer;
  /** TCP options (already padded to 4 bytes), e.g. MSS on SYN. */
  options?: Buffer;
}

export function buildFrame(s: SegmentSpec): Buffer {
  const opts = s.options ?? Buffer.alloc(0);
  const tcpLen = 20 + opts.length + s.payload.length;
  const frame = Buffer.alloc(14 + 20 + tcpLen);
  s.dstMac.copy(frame, 0);
  s.srcMac.copy(frame, 6);
  frame.writeUInt16BE(ETHERTYPE_IPV4, 12);

  const ip = frame.subarray(14, 34);
  ip[0] = 0x45; // version 4, IHL 5
  ip.writeUInt16BE(20 + tcpLen, 2);
  ip.writeUInt16BE(s.ipId & 0xffff, 4);
  ip.writeUInt16BE(0x4000, 6); // DF
  ip[8] = 64; // TTL
  ip[9] = IPPROTO_TCP;
  s.srcIp.copy(ip, 12);
  s.dstIp.copy(ip, 16);
  ip.writeUInt16BE(internetChecksum(ip), 10);

  const tcp = frame.subarray(34);
  tcp.writeUInt16BE(s.srcPort, 0);
  tcp.writeUInt16BE(s.dstPort, 2);
  tcp.writeUInt32BE(s.seq >>> 0, 4);
  tcp.writeUInt32BE(s.flags & TCP_ACK ? s.ack >>> 0 : 0, 8);
  tcp[12] = ((20 + opts.length) / 4) << 4;
  tcp[13] = s.flags;
  tcp.writeUInt16BE(s.window, 14);
  opts.copy(tcp, 20);
  s.payload.copy(tcp, 20 + opts.length);
  const pseudo = Buffer.alloc(12);
  s.srcIp.copy(pseudo, 0);
  s.dstIp.copy(pseudo, 4);
  pseudo[9] = IPPROTO_TCP;
  pseudo.writeUInt16BE(tcpLen, 10);
  tcp.writeUInt16BE(internetChecksum(pseudo, tcp), 16);
  return frame;
}
