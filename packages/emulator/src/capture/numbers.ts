// Protocol numbers shared by the capture writer and readers.
// Link types: https://www.tcpdump.org/linktypes.html; ethertypes: IEEE 802;
// IP protocol: IANA; TCP flags: RFC 9293 section 3.1.

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;

export const LINKTYPE_NULL = 0; // BSD loopback: 4-byte AF_ in the capturing host's byte order
export const LINKTYPE_ETHERNET = 1;
export const DLT_RAW_12 = 12; // DLT_RAW on most BSDs
export const DLT_RAW_14 = 14; // DLT_RAW on OpenBSD
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108; // OpenBSD loopback: AF_ in network byte order
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_VLAN = 0x8100; // 802.1Q
export const ETHERTYPE_QINQ = 0x88a8; // 802.1ad
export const ETHERTYPE_QINQ_OLD = 0x9100;

export const IPPROTO_TCP = 6;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

/** Orders anything stamped with a bigint time. */
export const byTime = (a: { tNs: bigint }, b: { tNs: bigint }): number => (a.tNs < b.tNs ? -1 : a.tNs > b.tNs ? 1 : 0);
