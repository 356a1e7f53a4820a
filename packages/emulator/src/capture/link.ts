// Link layers a loopback or Ethernet capture has, down to the IP packet.
// Link-type numbers: https://www.tcpdump.org/linktypes.html
import { CaptureError } from './errors.ts';
import type { CaptureFrame } from './frames.ts';
import {
  DLT_RAW_12, DLT_RAW_14, ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_QINQ, ETHERTYPE_QINQ_OLD, ETHERTYPE_VLAN, LINKTYPE_ETHERNET,
  LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_LOOP, LINKTYPE_NULL, LINKTYPE_RAW,
} from './numbers.ts';

export const SUPPORTED_LINK_TYPES = [
  LINKTYPE_NULL, LINKTYPE_ETHERNET, DLT_RAW_12, DLT_RAW_14, LINKTYPE_RAW, LINKTYPE_LOOP,
  LINKTYPE_LINUX_SLL, LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_LINUX_SLL2,
];

const AF_INET = 2;
const AF_INET6 = [10, 24, 28, 30]; // Linux, NetBSD/OpenBSD, FreeBSD, Darwin

export interface NetworkPacket {
  ipVersion: 4 | 6;
  data: Buffer;
  /** Offset of data[0] within the frame. */
  at: number;
}

/** 'short' means the frame ends (snap length) before the header that says what it carries. */
export type LinkResult = NetworkPacket | 'not-ip' | 'short';

function byEthertype(type: number, data: Buffer, at: number): LinkResult {
  if (type === ETHERTYPE_IPV4) return { ipVersion: 4, data: data.subarray(at), at };
  if (type === ETHERTYPE_IPV6) return { ipVersion: 6, data: data.subarray(at), at };
  return 'not-ip';
}

function byAddressFamily(af: number, data: Buffer): LinkResult {
  if (af === AF_INET) return { ipVersion: 4, data: data.subarray(4), at: 4 };
  if (AF_INET6.includes(af)) return { ipVersion: 6, data: data.subarray(4), at: 4 };
  return 'not-ip';
}

export function decodeLink(f: CaptureFrame, file: string): LinkResult {
  const d = f.data;
  switch (f.linkType) {
    case LINKTYPE_ETHERNET: {
      let at = 12;
      if (d.length < at + 2) return 'short';
      let type = d.readUInt16BE(at);
      while (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ || type === ETHERTYPE_QINQ_OLD) {
        at += 4; // tag control info, then the inner ethertype
        if (d.length < at + 2) return 'short';
        type = d.readUInt16BE(at);
      }
      return byEthertype(type, d, at + 2);
    }
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP: {
      if (d.length < 4) return 'short';
      // The family is a small number, so whichever byte order gives a value < 256 is the right one.
      const le = d.readUInt32LE(0);
      return byAddressFamily(le < 256 ? le : d.readUInt32BE(0), d);
    }
    case LINKTYPE_LINUX_SLL:
      if (d.length < 16) return 'short';
      return byEthertype(d.readUInt16BE(14), d, 16);
    case LINKTYPE_LINUX_SLL2:
      if (d.length < 20) return 'short';
      return byEthertype(d.readUInt16BE(0), d, 20);
    case DLT_RAW_12:
    case DLT_RAW_14:
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6: {
      if (d.length < 1) return 'short';
      const v = d[0]! >> 4;
      if (v === 4 || v === 6) return { ipVersion: v, data: d, at: 0 };
      throw new CaptureError({ file, where: `frame ${f.frame}`, offset: f.offset }, `raw-IP link type ${f.linkType} but IP version nibble is ${v}`);
    }
    default:
      throw new CaptureError(
        { file, where: `frame ${f.frame}`, offset: f.offset },
        `link type ${f.linkType} not supported (supported: ${SUPPORTED_LINK_TYPES.join(', ')})`,
      );
  }
}
