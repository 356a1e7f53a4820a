// PubSubClient 2.8 (PubSubClient.h): limits, state codes and packet types, under their C names.

export const MQTT_VERSION_3_1_1 = 4;
export const MQTT_MAX_PACKET_SIZE = 256;
export const MQTT_KEEPALIVE = 15;
export const MQTT_SOCKET_TIMEOUT = 15;
/** Fixed header (1) + up to 4 remaining-length bytes. */
export const MQTT_MAX_HEADER_SIZE = 5;

export const MQTT_CONNECTION_TIMEOUT = -4;
export const MQTT_CONNECTION_LOST = -3;
export const MQTT_CONNECT_FAILED = -2;
export const MQTT_DISCONNECTED = -1;
export const MQTT_CONNECTED = 0;
export const MQTT_CONNECT_BAD_PROTOCOL = 1;
export const MQTT_CONNECT_BAD_CLIENT_ID = 2;
export const MQTT_CONNECT_UNAVAILABLE = 3;
export const MQTT_CONNECT_BAD_CREDENTIALS = 4;
export const MQTT_CONNECT_UNAUTHORIZED = 5;

export const MQTTCONNECT = 1 << 4;
export const MQTTCONNACK = 2 << 4;
export const MQTTPUBLISH = 3 << 4;
export const MQTTPUBACK = 4 << 4;
export const MQTTSUBSCRIBE = 8 << 4;
export const MQTTSUBACK = 9 << 4;
export const MQTTPINGREQ = 12 << 4;
export const MQTTPINGRESP = 13 << 4;
export const MQTTDISCONNECT = 14 << 4;

export const MQTTQOS0 = 0 << 1;
export const MQTTQOS1 = 1 << 1;

const STATE_NAMES: Record<number, string> = {
  [MQTT_CONNECTION_TIMEOUT]: 'MQTT_CONNECTION_TIMEOUT',
  [MQTT_CONNECTION_LOST]: 'MQTT_CONNECTION_LOST',
  [MQTT_CONNECT_FAILED]: 'MQTT_CONNECT_FAILED',
  [MQTT_DISCONNECTED]: 'MQTT_DISCONNECTED',
  [MQTT_CONNECTED]: 'MQTT_CONNECTED',
  [MQTT_CONNECT_BAD_PROTOCOL]: 'MQTT_CONNECT_BAD_PROTOCOL',
  [MQTT_CONNECT_BAD_CLIENT_ID]: 'MQTT_CONNECT_BAD_CLIENT_ID',
  [MQTT_CONNECT_UNAVAILABLE]: 'MQTT_CONNECT_UNAVAILABLE',
  [MQTT_CONNECT_BAD_CREDENTIALS]: 'MQTT_CONNECT_BAD_CREDENTIALS',
  [MQTT_CONNECT_UNAUTHORIZED]: 'MQTT_CONNECT_UNAUTHORIZED',
};

export function mqttStateName(state: number): string {
  return STATE_NAMES[state] ?? `MQTT_STATE_${state}`;
}
