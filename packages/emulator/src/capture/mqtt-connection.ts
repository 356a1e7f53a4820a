// Which TCP connections carry MQTT, which end is the client, and their
// decoded packets in both directions.
import { warning, type CaptureWarning } from './errors.ts';
import { decodeMqttStream, startsWithConnect, streamBytes, type MqttStreamResult } from './mqtt-stream.ts';
import type { Endpoint } from './records.ts';
import type { TcpConnection } from './tcp.ts';
import type { CapturedConnection, CapturedPacket } from './types.ts';

/** Ports where a server is assumed when nothing else tells client from server (IANA: MQTT, secure MQTT). */
export const MQTT_SERVER_PORTS = [1883, 8883];
/** How many packets of a stream without a CONNECT must decode before it counts as MQTT. */
const PROBE_PACKETS = 4;

// MQTT 3.1.1 section 2.2.1 / MQTT 5 section 2.1.2: the direction each control packet may flow.
const CLIENT_ONLY = new Set(['connect', 'subscribe', 'unsubscribe', 'pingreq']);
const SERVER_ONLY = new Set(['connack', 'suback', 'unsuback', 'pingresp']);

const show = (e: Endpoint) => (e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`);

export interface ConnResult {
  conn: CapturedConnection;
  packets: Omit<CapturedPacket, 'index'>[];
}

/** Decides whether a TCP connection carries MQTT and which end is the client, then decodes both directions. */
export function mqttConnection(tc: TcpConnection, id: number, file: string, warnings: CaptureWarning[]): ConnResult | undefined {
  const bytes = [streamBytes(tc.dirs[0]), streamBytes(tc.dirs[1])];
  if (bytes[0]!.length === 0 && bytes[1]!.length === 0) return undefined;
  let client: 0 | 1 | undefined;
  let roleFrom: CapturedConnection['roleFrom'] | undefined;
  let version: 3 | 4 | 5 = 4;
  for (const side of [0, 1] as const) {
    if (tc.dirs[side].fromStart || tc.initiator === null) {
      if (startsWithConnect(bytes[side]!)) {
        [client, roleFrom] = [side, 'connect'];
        break;
      }
    }
  }
  if (client !== undefined) {
    const first = decodeMqttStream(tc.dirs[client], 4, 1).frames[0]?.packet;
    if (first?.cmd === 'connect') version = first.protocolVersion ?? 4;
  } else {
    // No CONNECT at a stream start: MQTT only if the first packets of both directions decode.
    const probe = probeVersion(tc);
    if (probe === undefined) {
      const onMqttPort = tc.ends.some((e) => MQTT_SERVER_PORTS.includes(e.port));
      if (onMqttPort && tc.dirs.some((d) => d.fromStart && d.length > 0)) {
        warnings.push(warning({ file, where: `frame ${tc.firstFrame}` }, `TCP connection ${show(tc.ends[0])} ↔ ${show(tc.ends[1])} on an MQTT port does not start with MQTT; ignored`));
      }
      return undefined;
    }
    version = probe.version;
    const [a, b] = probe.results;
    const says = (r: MqttStreamResult, set: Set<string>) => r.frames.some((f) => set.has(f.packet.cmd));
    if (tc.initiator !== null) [client, roleFrom] = [tc.initiator, 'syn'];
    else if (says(a, CLIENT_ONLY) || says(b, SERVER_ONLY)) [client, roleFrom] = [0, 'packet-types'];
    else if (says(b, CLIENT_ONLY) || says(a, SERVER_ONLY)) [client, roleFrom] = [1, 'packet-types'];
    else {
      const serverEnd = MQTT_SERVER_PORTS.includes(tc.ends[1].port) || (!MQTT_SERVER_PORTS.includes(tc.ends[0].port) && tc.ends[1].port < tc.ends[0].port) ? 1 : 0;
      [client, roleFrom] = [(1 - serverEnd) as 0 | 1, 'port'];
    }
  }
  const server = (1 - client) as 0 | 1;
  const c2s = decodeMqttStream(tc.dirs[client], version);
  const s2c = decodeMqttStream(tc.dirs[server], version);
  const connect = c2s.frames[0]?.packet;
  const clientId = connect?.cmd === 'connect' ? connect.clientId : '';
  const conn: CapturedConnection = { conn: id, client: tc.ends[client], server: tc.ends[server], clientId, protocolVersion: version, roleFrom: roleFrom! };
  const packets: Omit<CapturedPacket, 'index'>[] = [];
  for (const [res, side, dir] of [[c2s, client, 'to-broker'], [s2c, server, 'from-broker']] as const) {
    const stream = tc.dirs[side];
    const lost = dir === 'to-broker';
    const label = `connection ${id} ${show(stream.from)} → ${show(stream.to)} (${dir === 'to-broker' ? 'client→server' : 'server→client'})`;
    for (const f of res.frames) {
      packets.push({ tNs: f.tNs, dir, conn: id, clientId, packet: f.packet, raw: f.raw, where: `frame ${f.frame}` });
    }
    if (res.error) {
      const e = res.error;
      warnings.push(warning({ file, where: `frame ${e.frame}` }, `${label}: MQTT packet ${e.index + 1} at stream byte ${e.at}: ${e.detail}; the rest of this direction is skipped`, lost));
    } else if (stream.gap) {
      const g = stream.gap;
      warnings.push(warning({ file, where: `frame ${g.frame}` }, `${label}: ${g.missing} bytes missing from the capture at stream byte ${g.at}; the rest of this direction is skipped`, lost));
    } else if (res.partial) {
      const p = res.partial;
      const need = p.need ? ` of ${p.need}` : '';
      warnings.push(warning({ file, where: `frame ${stream.chunks.at(-1)!.frame}` }, `${label}: stream ends inside MQTT packet ${p.index + 1} at stream byte ${p.at} (${p.have}${need} bytes captured)`, lost));
    }
  }
  return { conn, packets };
}

function probeVersion(tc: TcpConnection): { version: 4 | 5; results: [MqttStreamResult, MqttStreamResult] } | undefined {
  for (const version of [4, 5] as const) {
    const a = decodeMqttStream(tc.dirs[0], version, PROBE_PACKETS);
    const b = decodeMqttStream(tc.dirs[1], version, PROBE_PACKETS);
    const ok = (r: MqttStreamResult) => !r.error && (r.frames.length > 0 || r.partial === undefined);
    if (ok(a) && ok(b) && a.frames.length + b.frames.length > 0) return { version, results: [a, b] };
  }
  return undefined;
}
