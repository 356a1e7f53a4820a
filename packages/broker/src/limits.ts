// Resource limits a hostile client could otherwise exhaust, named after the
// mosquitto.conf options that set them (man 5 mosquitto.conf, mosquitto 2.0).

export interface BrokerLimits {
  /** `max_packet_size`: a client sending a larger packet is disconnected before it is buffered (0: the MQTT maximum). */
  maxPacketSize: number;
  /** `message_size_limit`: a PUBLISH with a larger payload is read, discarded and still acknowledged (0: no limit). */
  messageSizeLimit: number;
  /** `max_connections`: connections beyond this are closed as they arrive (-1: no limit). */
  maxConnections: number;
  /** `max_queued_messages`: a QoS 0 PUBLISH to a client with this many packets not yet taken by its socket is dropped (0: no limit). */
  maxQueuedMessages: number;
  /** `max_queued_bytes`: the same, counted in bytes (0: no limit). */
  maxQueuedBytes: number;
  /** Time a new connection has to complete TLS and send CONNECT before it is closed. */
  connectTimeoutMs: number;
}

/**
 * A new mosquitto context gets keepalive 60 s before its CONNECT is read
 * (context.c), and a client silent for 1.5 × keepalive is closed (loop.c):
 * so a connection that never finishes its handshake or CONNECT goes after 90 s.
 */
export const MOSQUITTO_NEW_CONTEXT_KEEPALIVE_S = 60;
export const CONNECT_TIMEOUT_MS = MOSQUITTO_NEW_CONTEXT_KEEPALIVE_S * 1500;

/** mosquitto 2.0's default max_queued_messages (man 5 mosquitto.conf). */
export const MOSQUITTO_MAX_QUEUED_MESSAGES = 1000;

export const DEFAULT_LIMITS: BrokerLimits = {
  maxPacketSize: 0,
  messageSizeLimit: 0,
  maxConnections: -1,
  maxQueuedMessages: MOSQUITTO_MAX_QUEUED_MESSAGES,
  maxQueuedBytes: 0,
  connectTimeoutMs: CONNECT_TIMEOUT_MS,
};
