// A broker capture record as a trace event: the packet's decoded fields, with
// the payload as text when it is UTF-8 (as an operator would read it), else hex.
import type { CaptureRecord } from '@esphil/broker';
import type { MqttEvent } from '../trace/events.ts';

export function packetFields(packet: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(packet)) {
    if (v === undefined || v === null) continue;
    if (Buffer.isBuffer(v)) out[k] = bufferField(v);
    else if (v instanceof Uint8Array) out[k] = bufferField(Buffer.from(v));
    else out[k] = v;
  }
  return out;
}

function bufferField(b: Buffer): string | { hex: string } {
  const text = b.toString('utf8');
  return Buffer.from(text, 'utf8').equals(b) && !/[\u0000-\u0008\u000e-\u001f]/.test(text) ? text : { hex: b.toString('hex') };
}

export function mqttTraceEvent(r: CaptureRecord): MqttEvent {
  return {
    kind: 'mqtt',
    t: r.tNs,
    dir: r.dir,
    client: r.clientId,
    ...(r.identity ? { identity: r.identity } : {}),
    packet: packetFields(r.packet),
    raw: r.raw.toString('hex'),
  };
}
