// esphil's JSON-lines MQTT recording: one packet per line,
//   {"t":"<world ns>","dir":"to-broker"|"from-broker","conn":N,"client":"...",
//    "identity":"CN"|null,"packet":{...mqtt-packet fields...},"raw":"<hex>"}
// `t` is a decimal string because ten years of nanoseconds exceed 2^53.
// Format documented in packages/emulator/docs/captures.md.
import { generate, type Packet } from 'mqtt-packet';
import { CaptureError, type CaptureWarning } from './errors.ts';
import { decodeOne } from './mqtt-stream.ts';
import { packetFromJson, packetToJson } from './packet-json.ts';
import type { CaptureRecord, CaptureSink } from './records.ts';
import type { ByteSink } from './sink.ts';
import type { CaptureReadResult, CapturedConnection, CapturedPacket, Direction } from './types.ts';

export function recordToJsonLine(r: CaptureRecord): string {
  return JSON.stringify({
    t: r.tNs.toString(),
    dir: r.dir,
    conn: r.connId,
    client: r.clientId,
    identity: r.identity,
    packet: packetToJson(r.packet),
    raw: r.raw.toString('hex'),
  });
}

export class JsonlRecorder implements CaptureSink {
  private ended = false;
  constructor(private readonly sink: ByteSink) {}
  open(): void {}
  close(): void {}
  record(r: CaptureRecord): void {
    if (this.ended) throw new Error('JSON-lines recorder: used after end()');
    this.sink.write(Buffer.from(recordToJsonLine(r) + '\n'));
  }
  end(): void {
    if (!this.ended) this.sink.close();
    this.ended = true;
  }
}

const KEYS = new Set(['t', 'dir', 'conn', 'client', 'identity', 'packet', 'raw']);

/**
 * Reads a recording. Packets come from `raw` when present (decoded with the
 * protocol version of the connection's CONNECT), else from the `packet` fields.
 */
export function readJsonlRecording(text: string, file: string): CaptureReadResult {
  const packets: CapturedPacket[] = [];
  const conns = new Map<number, CapturedConnection>();
  const warnings: CaptureWarning[] = [];
  const lines = text.split('\n');
  let startNs: bigint | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const where = `line ${i + 1}`;
    const fail = (msg: string): never => {
      throw new CaptureError({ file: `${file}:${i + 1}`, where: undefined }, msg);
    };
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line);
    } catch (e) {
      if (i === lines.length - 1) {
        warnings.push({ location: { file, where }, message: `${file}:${i + 1}: last line is cut short (${(e as Error).message}); ignored` });
        break;
      }
      return fail(`not JSON: ${(e as Error).message}`);
    }
    if (o === null || typeof o !== 'object' || Array.isArray(o)) return fail('expected a JSON object');
    for (const k of Object.keys(o)) if (!KEYS.has(k)) fail(`unknown key "${k}" (expected ${[...KEYS].join(', ')})`);
    if (typeof o.t !== 'string' || !/^\d+$/.test(o.t)) return fail(`"t" must be a decimal string of nanoseconds, got ${JSON.stringify(o.t)}`);
    if (o.dir !== 'to-broker' && o.dir !== 'from-broker') return fail(`"dir" must be "to-broker" or "from-broker", got ${JSON.stringify(o.dir)}`);
    if (!Number.isSafeInteger(o.conn) || (o.conn as number) < 0) return fail(`"conn" must be a non-negative integer, got ${JSON.stringify(o.conn)}`);
    if (typeof o.client !== 'string') return fail(`"client" must be a string, got ${JSON.stringify(o.client)}`);
    if (o.identity !== undefined && o.identity !== null && typeof o.identity !== 'string') return fail('"identity" must be a string or null');
    const tNs = BigInt(o.t);
    const dir = o.dir as Direction;
    const connId = o.conn as number;
    let conn = conns.get(connId);
    let packet: Packet;
    let raw: Buffer;
    try {
      if (o.raw !== undefined) {
        if (typeof o.raw !== 'string' || !/^(?:[0-9a-fA-F]{2})+$/.test(o.raw)) return fail('"raw" must be a non-empty even-length hex string');
        raw = Buffer.from(o.raw, 'hex');
        packet = decodeOne(raw, conn?.protocolVersion ?? 4);
      } else {
        if (o.packet === undefined) return fail('needs "raw" or "packet"');
        packet = packetFromJson(o.packet);
        raw = generate(packet, { protocolVersion: conn?.protocolVersion ?? 4 });
      }
    } catch (e) {
      if (e instanceof CaptureError) throw e;
      return fail(`MQTT packet: ${(e as Error).message}`);
    }
    if (!conn) {
      conn = {
        conn: connId, client: { address: '', port: 0 }, server: { address: '', port: 0 },
        clientId: o.client, protocolVersion: 4, roleFrom: 'recording',
      };
      conns.set(connId, conn);
    }
    if (packet.cmd === 'connect') {
      conn.protocolVersion = packet.protocolVersion ?? 4;
      conn.clientId = packet.clientId;
    }
    startNs ??= tNs;
    packets.push({ index: packets.length, tNs, dir, conn: connId, clientId: o.client || conn.clientId, packet, raw, where });
  }
  return { format: 'jsonl', startNs: startNs ?? 0n, packets, connections: [...conns.values()], warnings };
}
