// A broker capture record as a trace event, its packet in the same JSON form
// as the recordings (payload as text when it is UTF-8, else {"hex"}).
import type { CaptureRecord } from '@esphil/broker';
import type { MqttEvent } from '../trace/events.ts';
import { packetToJson } from '../capture/packet-json.ts';

export function mqttTraceEvent(r: CaptureRecord): MqttEvent {
  return {
    kind: 'mqtt',
    t: r.tNs,
    dir: r.dir,
    client: r.clientId,
    ...(r.identity ? { identity: r.identity } : {}),
    packet: packetToJson(r.packet),
    raw: r.raw.toString('hex'),
  };
}
