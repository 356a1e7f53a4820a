// Who is who in the MQTT sequence lane, and what each packet says.
// The node is the client that subscribes (the sketch subscribes to
// irrigation/zone/*); operators only publish.
import type { MqttEvent, NodeEvent, TraceEvent } from '../../trace/events.ts';
import type { Names } from './names.ts';
import { lowerBound } from '../../trace/query.ts';

export type Party = 'operator' | 'broker' | 'node';
export const PARTIES: readonly Party[] = ['operator', 'broker', 'node'];

export function partyOf(e: MqttEvent, nodeClients: ReadonlySet<string>): Party {
  if (nodeClients.size) return nodeClients.has(e.client) ? 'node' : 'operator';
  return e.identity === 'operator' || e.client.includes('operator') ? 'operator' : 'node';
}

const text = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : v && typeof v === 'object' && 'hex' in v ? `hex ${String((v as { hex: unknown }).hex)}` : '""');

export function mqttLabel(e: MqttEvent, names: Names): string {
  const p = e.packet;
  const cmd = String(p['cmd']).toUpperCase();
  switch (p['cmd']) {
    case 'publish':
      return `PUBLISH ${String(p['topic'])} ${text(p['payload'])}`;
    case 'subscribe':
      return `SUBSCRIBE ${((p['subscriptions'] as { topic?: unknown }[] | undefined) ?? []).map((s) => String(s.topic)).join(', ')}`;
    case 'connect':
      return `CONNECT ${String(p['clientId'] ?? '')}`;
    case 'connack': {
      const rc = Number(p['returnCode'] ?? 0);
      return rc ? `CONNACK ${rc} ${names.mqttState[rc] ?? ''} (refused)` : 'CONNACK accepted';
    }
    default:
      return cmd;
  }
}

// The ESP reports a failed attempt as a node event carrying getLastSSLError()
// (`esp-mqtt-connect-failed`, detail.sslError) right after the connection closes.
const SSL_REPORT_WINDOW_NS = 1_000_000_000n;

const sslErrorOf = (e: TraceEvent): number | undefined => {
  const code = e.kind === 'node' ? e.detail?.['sslError'] : undefined;
  return typeof code === 'number' && code !== 0 ? code : undefined;
};

/** getLastSSLError() of a refused handshake: the code the ESP reported around the moment the connection closed. */
export function tlsRefusalCode(events: readonly TraceEvent[], closed: NodeEvent): number | undefined {
  for (let i = lowerBound(events, closed.t); i < events.length && events[i]!.t <= closed.t + SSL_REPORT_WINDOW_NS; i++) {
    const code = sslErrorOf(events[i]!);
    if (code !== undefined) return code;
  }
  return undefined;
}
