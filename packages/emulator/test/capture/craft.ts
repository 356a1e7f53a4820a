// Builders for hand-made captures: classic pcap and pcapng in either byte
// order, and TCP segments over the link types the reader supports.
import { generate, type Packet } from 'mqtt-packet';
import { buildFrame } from '../../src/capture/frame.ts';
import { TCP_ACK, TCP_PSH } from '../../src/capture/numbers.ts';

export interface RawRecord {
  tNs: bigint;
  data: Buffer;
  origLen?: number;
}

function w16(le: boolean, v: number) {
  const b = Buffer.alloc(2);
  le ? b.writeUInt16LE(v) : b.writeUInt16BE(v);
  return b;
}
function w32(le: boolean, v: number) {
  const b = Buffer.alloc(4);
  le ? b.writeUInt32LE(v >>> 0) : b.writeUInt32BE(v >>> 0);
  return b;
}

export function pcapFile(records: RawRecord[], o: { le?: boolean; nano?: boolean; linkType?: number } = {}): Buffer {
  const le = o.le ?? true;
  const nano = o.nano ?? false;
  const parts: Buffer[] = [
    w32(le, nano ? 0xa1b23c4d : 0xa1b2c3d4), w16(le, 2), w16(le, 4), w32(le, 0), w32(le, 0), w32(le, 262144), w32(le, o.linkType ?? 1),
  ];
  for (const r of records) {
    const sec = r.tNs / 1_000_000_000n;
    const frac = nano ? r.tNs % 1_000_000_000n : (r.tNs % 1_000_000_000n) / 1000n;
    parts.push(w32(le, Number(sec)), w32(le, Number(frac)), w32(le, r.data.length), w32(le, r.origLen ?? r.data.length), r.data);
  }
  return Buffer.concat(parts);
}

const pad4 = (b: Buffer) => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);

export function pcapngBlock(le: boolean, type: number, body: Buffer): Buffer {
  const b = pad4(body);
  const len = b.length + 12;
  return Buffer.concat([w32(le, type), w32(le, len), b, w32(le, len)]);
}

export function pcapngOption(le: boolean, code: number, value: Buffer): Buffer {
  return Buffer.concat([w16(le, code), w16(le, value.length), pad4(value)]);
}

export const endOfOptions = (le: boolean) => Buffer.concat([w16(le, 0), w16(le, 0)]);

export function shb(le: boolean): Buffer {
  const body = Buffer.concat([w32(le, 0x1a2b3c4d), w16(le, 1), w16(le, 0), Buffer.alloc(8, 0xff)]);
  return pcapngBlock(le, 0x0a0d0d0a, body);
}

export function idb(le: boolean, linkType: number, o: { tsresol?: number; tsoffsetS?: bigint; snapLen?: number } = {}): Buffer {
  const opts: Buffer[] = [];
  if (o.tsresol !== undefined) opts.push(pcapngOption(le, 9, Buffer.from([o.tsresol])));
  if (o.tsoffsetS !== undefined) {
    const v = Buffer.alloc(8);
    le ? v.writeBigInt64LE(o.tsoffsetS) : v.writeBigInt64BE(o.tsoffsetS);
    opts.push(pcapngOption(le, 14, v));
  }
  if (opts.length) opts.push(endOfOptions(le));
  return pcapngBlock(le, 1, Buffer.concat([w16(le, linkType), w16(le, 0), w32(le, o.snapLen ?? 0), ...opts]));
}

/** Enhanced Packet Block with `ticks` in the interface's resolution. */
export function epb(le: boolean, iface: number, ticks: bigint, data: Buffer, origLen = data.length): Buffer {
  return pcapngBlock(le, 6, Buffer.concat([
    w32(le, iface), w32(le, Number(ticks >> 32n)), w32(le, Number(ticks & 0xffffffffn)), w32(le, data.length), w32(le, origLen), pad4(data),
  ]));
}

export function obsoletePb(le: boolean, iface: number, ticks: bigint, data: Buffer): Buffer {
  return pcapngBlock(le, 2, Buffer.concat([
    w16(le, iface), w16(le, 0), w32(le, Number(ticks >> 32n)), w32(le, Number(ticks & 0xffffffffn)), w32(le, data.length), w32(le, data.length), pad4(data),
  ]));
}

export function spb(le: boolean, data: Buffer): Buffer {
  return pcapngBlock(le, 3, Buffer.concat([w32(le, data.length), pad4(data)]));
}

/** A TCP flow between a client and a server, producing Ethernet frames with consistent numbers. */
export class Flow {
  cseq = 1000;
  sseq = 5000;
  constructor(
    readonly client = { ip: [10, 0, 0, 2], port: 40000 },
    readonly server = { ip: [10, 0, 0, 1], port: 1883 },
  ) {}
  frame(fromClient: boolean, flags: number, payload: Buffer = Buffer.alloc(0), seq?: number): Buffer {
    const [a, b] = fromClient ? [this.client, this.server] : [this.server, this.client];
    return buildFrame({
      srcMac: Buffer.from([2, 0, 0, 0, 0, fromClient ? 2 : 1]), dstMac: Buffer.from([2, 0, 0, 0, 0, fromClient ? 1 : 2]),
      srcIp: Buffer.from(a.ip), dstIp: Buffer.from(b.ip), ipId: 1, srcPort: a.port, dstPort: b.port,
      seq: seq ?? (fromClient ? this.cseq : this.sseq), ack: fromClient ? this.sseq : this.cseq, flags, window: 65535, payload,
    });
  }
  /** Data segment at the current position, advancing it. */
  data(fromClient: boolean, payload: Buffer): Buffer {
    const f = this.frame(fromClient, TCP_PSH | TCP_ACK, payload);
    if (fromClient) this.cseq += payload.length;
    else this.sseq += payload.length;
    return f;
  }
}

export const mqtt = (p: Record<string, unknown>, protocolVersion = 4) => generate(p as unknown as Packet, { protocolVersion });
export const connect = (clientId: string, protocolVersion = 4) =>
  mqtt({ cmd: 'connect', protocolId: 'MQTT', protocolVersion, clientId, clean: true, keepalive: 15 }, protocolVersion);
export const publish = (topic: string, payload: string, qos = 0, messageId?: number, protocolVersion = 4) =>
  mqtt({ cmd: 'publish', topic, payload: Buffer.from(payload), qos, retain: false, dup: false, messageId }, protocolVersion);
export const connack = (protocolVersion = 4) => mqtt({ cmd: 'connack', returnCode: 0, reasonCode: 0, sessionPresent: false }, protocolVersion);
