// mqtt-packet objects <-> plain JSON for recordings and traces. Buffers
// (payload, password, will payload, correlation/authentication data) become
// text when they are valid UTF-8, else {"hex": "..."}; everything else is
// copied as mqtt-packet decoded it.
import { isUtf8 } from 'node:buffer';
import type { Packet } from 'mqtt-packet';

export type JsonBytes = string | { hex: string };

export function bytesToJson(b: Buffer): JsonBytes {
  return isUtf8(b) ? b.toString('utf8') : { hex: b.toString('hex') };
}

export function bytesFromJson(v: unknown, what: string): Buffer {
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (v !== null && typeof v === 'object' && typeof (v as { hex?: unknown }).hex === 'string') {
    const hex = (v as { hex: string }).hex;
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new Error(`${what}: "hex" is not an even-length hex string`);
    return Buffer.from(hex, 'hex');
  }
  throw new Error(`${what}: expected a string or {"hex": "..."}, got ${JSON.stringify(v)}`);
}

function toJson(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return bytesToJson(v);
  if (Array.isArray(v)) return v.map(toJson);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    // mqtt-packet's Packet class leaves topic/payload null on packets that have none: not worth a field.
    for (const [k, x] of Object.entries(v)) if (x !== undefined && x !== null) out[k] = toJson(x);
    return out;
  }
  return v;
}

export function packetToJson(packet: Packet): Record<string, unknown> {
  return toJson(packet) as Record<string, unknown>;
}

const PACKET_CMDS = new Set([
  'auth', 'connack', 'connect', 'disconnect', 'pingreq', 'pingresp', 'puback', 'pubcomp',
  'publish', 'pubrel', 'pubrec', 'suback', 'subscribe', 'unsuback', 'unsubscribe',
]);

/** Inverse of packetToJson for the fields mqtt-packet keeps as Buffers. Throws with the field name. */
export function packetFromJson(json: unknown): Packet {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error('"packet" must be an object');
  const p = structuredClone(json) as Record<string, unknown>;
  if (typeof p.cmd !== 'string' || !PACKET_CMDS.has(p.cmd)) throw new Error(`"packet.cmd" ${JSON.stringify(p.cmd)} is not an MQTT packet type`);
  if (p.cmd === 'publish') {
    if (typeof p.topic !== 'string') throw new Error('"packet.topic" must be a string');
    p.payload = p.payload === undefined ? Buffer.alloc(0) : bytesFromJson(p.payload, 'packet.payload');
    if (p.qos === undefined) p.qos = 0;
    if (p.qos !== 0 && p.qos !== 1 && p.qos !== 2) throw new Error(`"packet.qos" must be 0, 1 or 2, got ${JSON.stringify(p.qos)}`);
    if (p.retain === undefined) p.retain = false;
    if (typeof p.retain !== 'boolean') throw new Error('"packet.retain" must be true or false');
    if (p.dup === undefined) p.dup = false;
  }
  if (p.cmd === 'connect') {
    if (p.password !== undefined) p.password = bytesFromJson(p.password, 'packet.password');
    const will = p.will as Record<string, unknown> | undefined;
    if (will && will.payload !== undefined) will.payload = bytesFromJson(will.payload, 'packet.will.payload');
  }
  const props = p.properties as Record<string, unknown> | undefined;
  if (props) {
    for (const k of ['correlationData', 'authenticationData'] as const) {
      if (props[k] !== undefined) props[k] = bytesFromJson(props[k], `packet.properties.${k}`);
    }
  }
  return p as unknown as Packet;
}
