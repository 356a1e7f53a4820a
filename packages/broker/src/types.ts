import type { Packet } from 'mqtt-packet';
import type { BrokerConfig } from './config.ts';
import type { BrokerLimits } from './limits.ts';

export interface BrokerClock {
  /** World time in ns; stamps capture records. */
  nowNs(): bigint;
  /** The broker's own UTC date in ms, for certificate and CRL validity. */
  utcMs(): number;
}

export interface Endpoint {
  address: string;
  port: number;
}

export interface CaptureRecord {
  tNs: bigint;
  dir: 'to-broker' | 'from-broker';
  connId: number;
  /** '' until the CONNECT is seen. */
  clientId: string;
  /** Client certificate CN. */
  identity: string | null;
  remote: Endpoint;
  local: Endpoint;
  packet: Packet;
  raw: Buffer;
  /** A client's PUBLISH the ACL refuses: the broker drops it (keep no copy of its payload). */
  denied?: true;
}

/**
 * connection-opened {connId, tNs, remote, local} and connection-closed
 * {connId, tNs, by: 'client' | 'broker', reason} bracket every connection,
 * refused ones included, for transport-level recorders (pcap).
 */
export type BrokerEventName =
  | 'connection-opened'
  | 'connection-closed'
  | 'tls-refused'
  | 'client-connected'
  | 'client-disconnected'
  | 'connect-refused'
  | 'publish-denied'
  | 'publish-too-large'
  | 'outgoing-dropped'
  | 'subscribe-denied'
  | 'protocol-error'
  | 'broker-started'
  | 'broker-stopped';

export interface BrokerEvent {
  what: BrokerEventName;
  detail: Record<string, unknown>;
}

export interface BrokerOptions {
  config: BrokerConfig;
  /** Default: the process clock (Date.now). */
  clock?: BrokerClock;
  onCapture?: (r: CaptureRecord) => void;
  onEvent?: (e: BrokerEvent) => void;
  /**
   * SUBACK for a filter the ACL does not cover. 'suback-0x80' (default): refused
   * with 0x80. 'grant': granted, as mosquitto 2.0's acl_file does (it checks read
   * access per delivered message only). Delivery is filtered in both modes.
   */
  deniedSubscribe?: 'suback-0x80' | 'grant';
  /** Size, connection and time limits (defaults: mosquitto's, DEFAULT_LIMITS). */
  limits?: Partial<BrokerLimits>;
}

export const realClock: BrokerClock = {
  nowNs: () => BigInt(Date.now()) * 1_000_000n,
  utcMs: () => Date.now(),
};
