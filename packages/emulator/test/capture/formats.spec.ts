// pcap and pcapng containers, byte orders, timestamp resolutions and link types.
import { describe, expect, it } from 'vitest';
import { CaptureError } from '../../src/capture/errors.ts';
import { TCP_ACK, TCP_SYN } from '../../src/capture/numbers.ts';
import { readCapture } from '../../src/capture/read.ts';
import { connack, connect, epb, Flow, idb, obsoletePb, pcapFile, pcapngBlock, publish, shb, spb } from './craft.ts';

const T0 = 1_700_000_000_123_456_000n; // ns, a whole number of µs
const MS = 1_000_000n;

/** An Ethernet session: handshake, CONNECT, CONNACK, PUBLISH "2 120". */
function ethernetFrames(): Buffer[] {
  const f = new Flow();
  const out = [f.frame(true, TCP_SYN)];
  f.cseq++;
  out.push(f.frame(false, TCP_SYN | TCP_ACK));
  f.sseq++;
  out.push(f.data(true, connect('operator')), f.data(false, connack()), f.data(true, publish('irrigation/zone/on', '2 120')));
  return out;
}
const EXPECTED = ['>connect', '<connack', '>publish 2 120'];
const summary = (buf: Buffer, name = 'f') => {
  const r = readCapture(buf, name);
  return r.packets.map((p) => `${p.dir === 'to-broker' ? '>' : '<'}${p.packet.cmd}${p.packet.cmd === 'publish' ? ' ' + p.packet.payload.toString() : ''}`);
};
const at = (frames: Buffer[]) => frames.map((data, i) => ({ tNs: T0 + BigInt(i) * MS, data }));

const ip4 = (eth: Buffer) => eth.subarray(14);
const u32 = (v: number, le: boolean) => {
  const b = Buffer.alloc(4);
  le ? b.writeUInt32LE(v) : b.writeUInt32BE(v);
  return b;
};
/** The same TCP segment in IPv6, with a hop-by-hop options header in front of TCP. */
function ip6(eth: Buffer): Buffer {
  const v4 = ip4(eth);
  const tcp = v4.subarray((v4[0]! & 0x0f) * 4);
  const hbh = Buffer.from([6, 0, 1, 4, 0, 0, 0, 0]); // next: TCP, length 0 (8 bytes), PadN
  const h = Buffer.alloc(40);
  h[0] = 0x60;
  h.writeUInt16BE(hbh.length + tcp.length, 4);
  h[6] = 0; // hop-by-hop
  h[7] = 64;
  h[8] = 0xfd;
  h[23] = v4[15]!; // fd00::<last IPv4 byte>
  h[24] = 0xfd;
  h[39] = v4[19]!;
  return Buffer.concat([h, hbh, tcp]);
}

describe('classic pcap', () => {
  it.each([
    ['little-endian µs', true, false],
    ['big-endian µs', false, false],
    ['little-endian ns', true, true],
    ['big-endian ns', false, true],
  ])('reads %s', (_name, le, nano) => {
    const buf = pcapFile(at(ethernetFrames()), { le, nano });
    const r = readCapture(buf, 'x.pcap');
    expect(summary(buf)).toEqual(EXPECTED);
    expect(r.startNs).toBe(T0);
    expect(r.packets[2]!.tNs).toBe(T0 + 4n * MS);
  });

  it.each([
    ['Ethernet with an 802.1Q VLAN tag', 1, (e: Buffer) => Buffer.concat([e.subarray(0, 12), Buffer.from([0x81, 0x00, 0x00, 0x2a]), e.subarray(12)])],
    ['BSD loopback, little-endian family', 0, (e: Buffer) => Buffer.concat([u32(2, true), ip4(e)])],
    ['BSD loopback, big-endian family', 0, (e: Buffer) => Buffer.concat([u32(2, false), ip4(e)])],
    ['OpenBSD LOOP', 108, (e: Buffer) => Buffer.concat([u32(2, false), ip4(e)])],
    ['BSD loopback IPv6 (Darwin AF_INET6 30)', 0, (e: Buffer) => Buffer.concat([u32(30, true), ip6(e)])],
    ['Linux cooked SLL', 113, (e: Buffer) => Buffer.concat([Buffer.from([0, 0, 3, 4, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00]), ip4(e)])],
    ['Linux cooked SLL2 IPv6', 276, (e: Buffer) => Buffer.concat([Buffer.from([0x86, 0xdd, 0, 0, 0, 0, 0, 1, 3, 4, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0]), ip6(e)])],
    ['raw IP (101)', 101, ip4],
    ['raw IPv6 (101)', 101, ip6],
    ['DLT_RAW 12', 12, ip4],
    ['DLT_RAW 14', 14, ip4],
    ['LINKTYPE_IPV4', 228, ip4],
    ['Ethernet padded to 60 bytes', 1, (e: Buffer) => Buffer.concat([e, Buffer.alloc(Math.max(0, 60 - e.length), 0xee)])],
  ])('reads link type %s', (_name, linkType, wrap) => {
    const buf = pcapFile(at(ethernetFrames().map(wrap)), { linkType });
    expect(summary(buf)).toEqual(EXPECTED);
  });

  it('reports a truncated last record and uses the rest', () => {
    const buf = pcapFile(at(ethernetFrames()));
    const cut = buf.subarray(0, buf.length - 7);
    const r = readCapture(cut, 'cut.pcap');
    expect(summary(cut)).toEqual(['>connect', '<connack']);
    const lastRecord = buf.length - ethernetFrames()[4]!.length - 16;
    expect(r.warnings.map((w) => w.message)).toEqual([
      `cut.pcap: record 5 at byte ${lastRecord}: file ends ${ethernetFrames()[4]!.length - 7} bytes into ${ethernetFrames()[4]!.length} bytes of packet data; the cut record is ignored and the rest used`,
    ]);
  });

  it.each([
    ['bad magic', (b: Buffer) => Buffer.concat([Buffer.from('deadbeef', 'hex'), b.subarray(4)]), 'bad.pcap: at byte 0: not a pcap, pcapng or esphil JSON-lines recording (starts with 0xdeadbeef)'],
    ['short header', (b: Buffer) => b.subarray(0, 10), 'bad.pcap: file header at byte 0: file is 10 bytes, shorter than the 24-byte pcap header'],
    ['version 3', (b: Buffer) => (b.writeUInt16LE(3, 4), b), 'bad.pcap: file header at byte 4: pcap version 3.4 not supported (expected 2.4)'],
    ['huge captured length', (b: Buffer) => (b.writeUInt32LE(0x7fffffff, 24 + 16 + 54 + 8), b), 'bad.pcap: record 2 at byte 102: captured length 2147483647 exceeds the 262144-byte maximum (corrupt record header)'],
    ['microseconds out of range', (b: Buffer) => (b.writeUInt32LE(1_000_000, 28), b), 'bad.pcap: record 1 at byte 28: microsecond field 1000000 is out of range'],
    ['unsupported link type', (b: Buffer) => (b.writeUInt32LE(147, 20), b), 'bad.pcap: file header at byte 20: link type 147 not supported (supported: 0, 1, 12, 14, 101, 108, 113, 228, 229, 276)'],
  ])('rejects %s with the place', (_name, corrupt, message) => {
    const buf = Buffer.from(pcapFile(at(ethernetFrames())));
    expect(ethernetFrames()[0]!.length).toBe(54); // SYN: Ethernet 14 + IPv4 20 + TCP 20, the offsets above rely on it
    expectCaptureError(() => readCapture(corrupt(buf), 'bad.pcap'), message);
  });

  it('rejects malformed IP and TCP headers naming the frame and byte', () => {
    const frames = ethernetFrames();
    frames[2] = Buffer.from(frames[2]!);
    frames[2]![14] = 0x43; // IHL 3
    const buf = pcapFile(at(frames));
    const off = 24 + 16 + 54 + 16 + 54 + 16 + 14;
    expectCaptureError(() => readCapture(buf, 'ip.pcap'), `ip.pcap: frame 3 at byte ${off}: IPv4 header length 12 is less than 20`);
    frames[2]![14] = 0x45;
    frames[2]![14 + 20 + 12] = 0x30; // data offset 12
    expectCaptureError(() => readCapture(pcapFile(at(frames)), 'tcp.pcap'), `tcp.pcap: frame 3 at byte ${off + 32}: TCP data offset 12 is less than 20`);
  });

  it('warns about frames cut before their headers and IP fragments, and reads on', () => {
    const frames = ethernetFrames();
    const frag = Buffer.from(frames[0]!);
    frag.writeUInt16BE(0x2000, 14 + 6); // more fragments
    const r = readCapture(pcapFile(at([frames[0]!.subarray(0, 20), frag, ...frames.slice(1)])), 'w.pcap');
    expect(r.warnings.map((w) => w.message)).toEqual([
      'w.pcap: frame 1 at byte 40: frame cut at 20 bytes inside the IPv4 header; ignored',
      'w.pcap: frame 2 at byte 76: IPv4 fragment (fragment reassembly is not supported); ignored',
    ]);
    expect(r.packets).toHaveLength(3);
  });
});

describe('pcapng', () => {
  const frames = ethernetFrames();
  it.each([
    ['little-endian, ns resolution', true, 9, 1n],
    ['big-endian, ns resolution', false, 9, 1n],
    ['little-endian, default µs resolution', true, undefined, 1000n],
    ['big-endian, 100 ns resolution', false, 7, 100n],
  ])('reads %s', (_n, le, tsresol, nsPerTick) => {
    const blocks = [shb(le), idb(le, 1, { tsresol }), ...frames.map((d, i) => epb(le, 0, (T0 + BigInt(i) * MS) / nsPerTick, d))];
    const r = readCapture(Buffer.concat(blocks), 'x.pcapng');
    expect(r.format).toBe('pcapng');
    expect(summary(Buffer.concat(blocks))).toEqual(EXPECTED);
    expect(r.packets.map((p) => p.tNs)).toEqual([T0 + 2n * MS, T0 + 3n * MS, T0 + 4n * MS]);
  });

  it('reads binary resolutions (2^-20 s) and if_tsoffset', () => {
    const ticks = 3n << 20n; // 3 s
    const blocks = [shb(true), idb(true, 1, { tsresol: 0x80 | 20, tsoffsetS: 1_000n }), ...frames.map((d) => epb(true, 0, ticks, d))];
    expect(readCapture(Buffer.concat(blocks), 'b.pcapng').packets[0]!.tNs).toBe(1003n * 1_000_000_000n);
  });

  it('reads SPB (previous timestamp), obsolete PB, skips unknown blocks, several interfaces and sections of both byte orders', () => {
    const sll = (e: Buffer) => Buffer.concat([Buffer.from([0, 0, 3, 4, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00]), ip4(e)]);
    const blocks = [
      shb(true), idb(true, 1, { tsresol: 9 }), idb(true, 113, { tsresol: 6 }),
      pcapngBlock(true, 0x00000bad, Buffer.from('custom block body')),
      pcapngBlock(true, 4, Buffer.from([0, 0, 0, 0])), // name resolution block
      epb(true, 0, T0, frames[0]!),
      epb(true, 1, (T0 + MS) / 1000n, sll(frames[1]!)),
      shb(false), idb(false, 1, { tsresol: 9 }),
      obsoletePb(false, 0, T0 + 2n * MS, frames[2]!),
      spb(false, frames[3]!),
      epb(false, 0, T0 + 4n * MS, frames[4]!),
      pcapngBlock(false, 5, Buffer.alloc(20)), // interface statistics
    ];
    const r = readCapture(Buffer.concat(blocks), 'multi.pcapng');
    expect(r.warnings).toEqual([]);
    expect(summary(Buffer.concat(blocks))).toEqual(EXPECTED);
    expect(r.packets.map((p) => [p.where, p.tNs])).toEqual([['frame 3', T0 + 2n * MS], ['frame 4', T0 + 2n * MS], ['frame 5', T0 + 4n * MS]]);
  });

  it('ignores interfaces of unsupported link types with one warning', () => {
    const blocks = [shb(true), idb(true, 1, { tsresol: 9 }), idb(true, 147, { tsresol: 9 }), epb(true, 1, T0, Buffer.from('x')), epb(true, 1, T0, Buffer.from('y')),
      ...frames.map((d) => epb(true, 0, T0, d))];
    const r = readCapture(Buffer.concat(blocks), 'u.pcapng');
    expect(r.packets).toHaveLength(3);
    expect(r.warnings.map((w) => w.message)).toEqual([
      `u.pcapng: frame 1 at byte ${shb(true).length + 2 * idb(true, 1, { tsresol: 9 }).length + 28}: link type 147 not supported (supported: 0, 1, 12, 14, 101, 108, 113, 228, 229, 276); packets of that interface are ignored`,
    ]);
  });

  it('reports a truncated last block and uses the rest', () => {
    const buf = Buffer.concat([shb(true), idb(true, 1), ...frames.map((d, i) => epb(true, 0, BigInt(i), d))]);
    const r = readCapture(buf.subarray(0, buf.length - 3), 'cut.pcapng');
    expect(r.packets.map((p) => p.packet.cmd)).toEqual(['connect', 'connack']);
    const lastLen = epb(true, 0, 0n, frames[4]!).length;
    expect(r.warnings.map((w) => w.message)).toEqual([`cut.pcapng: block 7 at byte ${buf.length - lastLen}: file ends ${lastLen - 3} bytes into a ${lastLen}-byte block; the cut record is ignored and the rest used`]);
  });

  const good = () => Buffer.concat([shb(true), idb(true, 1), epb(true, 0, 1n, frames[2]!)]);
  const shbLen = shb(true).length; // 28
  const idbLen = idb(true, 1).length; // 20
  it.each([
    ['block length not a multiple of 4', (b: Buffer) => (b.writeUInt32LE(22, shbLen + 4), b), `bad.pcapng: block 2 at byte ${28 + 4}: block total length 22 is not a multiple of 4 and at least 12`],
    ['trailing length differs', (b: Buffer) => (b.writeUInt32LE(24, shbLen + idbLen - 4), b), `bad.pcapng: block 2 at byte ${28 + 20 - 4}: trailing block length 24 differs from the leading 20`],
    ['unknown interface', (b: Buffer) => (b.writeUInt32LE(3, shbLen + idbLen + 8), b), `bad.pcapng: block 3 at byte ${28 + 20 + 8}: interface id 3 has no Interface Description Block (section has 1)`],
    ['captured length past the block', (b: Buffer) => (b.writeUInt32LE(5000, shbLen + idbLen + 20), b), `bad.pcapng: block 3 at byte ${28 + 20 + 20}: captured length 5000 runs past the end of the block (${epb(true, 0, 1n, frames[2]!).length - 32} bytes left)`],
    ['bad byte-order magic', (b: Buffer) => (b.writeUInt32LE(0x12345678, 8), b), 'bad.pcapng: block 1 at byte 8: section header byte-order magic 0x12345678 is not 0x1a2b3c4d'],
    ['version 2', (b: Buffer) => (b.writeUInt16LE(2, 12), b), 'bad.pcapng: block 1 at byte 12: pcapng version 2.0 not supported (expected 1.0)'],
  ])('rejects %s with block index and offset', (_n, corrupt, message) => {
    expect(readCapture(good(), 'ok.pcapng').packets).toHaveLength(1);
    expectCaptureError(() => readCapture(corrupt(good()), 'bad.pcapng'), message);
  });
});

function expectCaptureError(f: () => unknown, message: string): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CaptureError);
  expect((err as Error).message).toBe(message);
}
