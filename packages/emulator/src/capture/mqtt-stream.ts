// Cuts a reassembled TCP byte stream into MQTT control packets (fixed header:
// type/flags byte, Remaining Length as a 1-4 byte variable byte integer,
// MQTT 3.1.1 section 2.2.3 / MQTT 5 section 1.5.5) and decodes each with mqtt-packet.
import { parser as mqttParser, type Packet } from 'mqtt-packet';
import type { TcpDirectionStream } from './tcp.ts';

export interface MqttFrame {
  index: number; // 0-based within the direction
  at: number; // stream offset of the first byte
  raw: Buffer;
  packet: Packet;
  /** The frame and time at which the packet's last byte was delivered. */
  frame: number;
  tNs: bigint;
}

export interface MqttStreamResult {
  frames: MqttFrame[];
  /** Decoding stopped here: the rest of the direction is unusable. */
  error?: { index: number; at: number; frame: number; detail: string };
  /** The stream ends inside this packet. */
  partial?: { index: number; at: number; have: number; need: number };
}

/** Decodes one complete MQTT packet; throws mqtt-packet's message on failure. */
export function decodeOne(raw: Buffer, protocolVersion: number): Packet {
  const len = packetLength(raw, 0);
  if (len === 'more') throw new Error(`fixed header incomplete in ${raw.length} bytes`);
  if (typeof len === 'string') throw new Error(len);
  if (len !== raw.length) throw new Error(`fixed header says ${len} bytes, got ${raw.length}`);
  const p = mqttParser({ protocolVersion });
  const got: Packet[] = [];
  let err: Error | undefined;
  p.on('packet', (x: Packet) => got.push(x));
  p.on('error', (e: Error) => (err ??= e));
  p.parse(raw);
  if (err) throw err;
  if (got.length !== 1) throw new Error(`mqtt-packet decoded ${got.length} packets from one frame`);
  return got[0]!;
}

export function streamBytes(dir: TcpDirectionStream): Buffer {
  return Buffer.concat(dir.chunks.map((c) => c.bytes));
}

/** Total length of the packet starting at `at`, or 'more' if the header is incomplete, or an error text. */
export function packetLength(buf: Buffer, at: number): number | 'more' | string {
  let len = 0;
  let mul = 1;
  for (let i = 1; i <= 4; i++) {
    if (at + i >= buf.length) return 'more';
    const b = buf[at + i]!;
    len += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return 1 + i + len;
    mul *= 128;
  }
  return 'Remaining Length has more than 4 bytes (malformed variable byte integer)';
}

/** True when the bytes at offset 0 are the start of a CONNECT ("MQTT" 3.1.1/5 or "MQIsdp" 3.1). */
export function startsWithConnect(buf: Buffer): boolean {
  if (buf.length < 2 || buf[0] !== 0x10) return false;
  const len = packetLength(buf, 0);
  if (typeof len !== 'number') return false;
  let vi = 1;
  while (buf[vi]! & 0x80) vi++;
  const p = vi + 1;
  if (buf.length < p + 2) return false;
  const nameLen = buf.readUInt16BE(p);
  const name = buf.subarray(p + 2, p + 2 + nameLen).toString('latin1');
  return (nameLen === 4 && name === 'MQTT') || (nameLen === 6 && name === 'MQIsdp');
}

export function decodeMqttStream(dir: TcpDirectionStream, protocolVersion: number, limit = Infinity): MqttStreamResult {
  const buf = streamBytes(dir);
  const frames: MqttFrame[] = [];
  let chunk = 0;
  let at = 0;
  const chunkOf = (off: number) => {
    while (chunk + 1 < dir.chunks.length && dir.chunks[chunk + 1]!.at <= off) chunk++;
    return dir.chunks[chunk]!;
  };
  for (let index = 0; at < buf.length && frames.length < limit; index++) {
    const len = packetLength(buf, at);
    if (len === 'more') return { frames, partial: { index, at, have: buf.length - at, need: 0 } };
    if (typeof len === 'string') return { frames, error: { index, at, frame: chunkOf(at).frame, detail: len } };
    if (at + len > buf.length) return { frames, partial: { index, at, have: buf.length - at, need: len } };
    const raw = buf.subarray(at, at + len);
    const last = chunkOf(at + len - 1);
    let packet: Packet;
    try {
      packet = decodeOne(raw, protocolVersion);
    } catch (e) {
      return { frames, error: { index, at, frame: last.frame, detail: (e as Error).message } };
    }
    frames.push({ index, at, raw, packet, frame: last.frame, tNs: last.tNs });
    at += len;
  }
  return { frames };
}
