// A small broker-side session as the capture tap would report it: the node
// connects and subscribes, an operator publishes three zone commands (one of
// them larger than the writer's MSS), connections close.
import { parser as mqttParser, type Packet } from 'mqtt-packet';
import type { CaptureRecord, CaptureSink, Endpoint } from '../../src/capture/records.ts';
import { connack, connect, mqtt, publish } from './craft.ts';

const broker: Endpoint = { address: '127.0.0.1', port: 8883 };
const node: Endpoint = { address: 'node', port: 50000 }; // in-memory pipe: not an IP
const operator: Endpoint = { address: '127.0.0.1', port: 41000 };
const S = 1_000_000_000n;

export const BIG_PAYLOAD = 'x'.repeat(3000);

function rec(tNs: bigint, dir: CaptureRecord['dir'], connId: number, clientId: string, raw: Buffer): CaptureRecord {
  const p = mqttParser({ protocolVersion: 4 });
  let packet: Packet | undefined;
  p.on('packet', (x: Packet) => (packet = x));
  p.parse(raw);
  const remote = connId === 0 ? node : operator;
  return { tNs, dir, connId, clientId, identity: connId === 0 ? 'sec_mqtt_client_00_03' : 'operator', remote, local: broker, packet: packet!, raw };
}

export function playSession(sink: CaptureSink): CaptureRecord[] {
  const records: CaptureRecord[] = [];
  const r = (x: CaptureRecord) => {
    records.push(x);
    sink.record(x);
  };
  sink.open({ tNs: 5n * S, connId: 0, remote: node, local: broker });
  r(rec(5n * S + 1000n, 'to-broker', 0, '', connect('sec_mqtt_client_00_03')));
  r(rec(5n * S + 2000n, 'from-broker', 0, 'sec_mqtt_client_00_03', connack()));
  r(rec(5n * S + 3000n, 'to-broker', 0, 'sec_mqtt_client_00_03', mqtt({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'irrigation/zone/on', qos: 0 }] })));
  r(rec(5n * S + 4000n, 'from-broker', 0, 'sec_mqtt_client_00_03', mqtt({ cmd: 'suback', messageId: 1, granted: [0] })));
  sink.open({ tNs: 10n * S, connId: 1, remote: operator, local: broker });
  r(rec(10n * S + 1n, 'to-broker', 1, '', connect('operator')));
  r(rec(10n * S + 2n, 'from-broker', 1, 'operator', connack()));
  const cmds: [bigint, string, number][] = [[11n * S, '2 120', 0], [20n * S + 123_456_789n, '5 30', 1], [25n * S, '5 0', 0], [26n * S, BIG_PAYLOAD, 0]];
  for (const [t, payload, qos] of cmds) {
    r(rec(t, 'to-broker', 1, 'operator', publish('irrigation/zone/on', payload, qos, qos ? 7 : undefined)));
    r(rec(t + 50_000n, 'from-broker', 0, 'sec_mqtt_client_00_03', publish('irrigation/zone/on', payload)));
    if (qos) r(rec(t + 60_000n, 'from-broker', 1, 'operator', mqtt({ cmd: 'puback', messageId: 7 })));
  }
  r(rec(30n * S, 'to-broker', 1, 'operator', mqtt({ cmd: 'disconnect' })));
  sink.close({ tNs: 30n * S + 1n, connId: 1 });
  sink.close({ tNs: 40n * S, connId: 0, by: 'broker' });
  sink.end();
  return records;
}
