// CONNECTs mosquitto 2.0 refuses before any authentication (src/handle_connect.c),
// judged here so the answer does not depend on aedes: the client gets the
// CONNACK return code mosquitto sends and the connection is closed.
import type { IConnectPacket } from 'mqtt-packet';

/** MQTT 3.1.1 §3.2.2.3: "Connection Refused, identifier rejected". */
export const CONNACK_REFUSED_IDENTIFIER_REJECTED = 2;

export interface ConnectRefusal {
  returnCode: number;
  reason: string;
}

export function connectRefusal(packet: IConnectPacket, limits: { maxKeepalive?: number }): ConnectRefusal | null {
  // MQTT 3.1.1 §3.1.3.1: a zero-byte client id needs CleanSession 1.
  if (packet.clientId === '' && !packet.clean) {
    return { returnCode: CONNACK_REFUSED_IDENTIFIER_REJECTED, reason: 'empty client id with clean session 0' };
  }
  // max_keepalive: an MQTT 3.1.1 client asking for more (or for none) cannot be told a lower value, so it is refused.
  const max = limits.maxKeepalive;
  const keepalive = packet.keepalive ?? 0;
  if (max !== undefined && max > 0 && (keepalive > max || keepalive === 0)) {
    return { returnCode: CONNACK_REFUSED_IDENTIFIER_REJECTED, reason: `keepalive ${keepalive} s outside max_keepalive ${max} s` };
  }
  return null;
}
