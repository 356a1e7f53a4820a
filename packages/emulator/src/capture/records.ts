// What the broker's capture tap hands to the recorders (pcap-writer.ts, jsonl.ts):
// one record per MQTT packet, plus a notice when a connection opens or closes.
// Times are world (virtual) time in nanoseconds.
import type { Packet } from 'mqtt-packet';

export interface Endpoint {
  address: string;
  port: number;
}

/** One MQTT packet as the broker saw it. `remote` is the client, `local` the broker. */
export interface CaptureRecord {
  tNs: bigint;
  dir: 'to-broker' | 'from-broker';
  connId: number;
  clientId: string; // '' until the CONNECT has been read
  identity: string | null; // certificate CN of the client, when TLS
  remote: Endpoint;
  local: Endpoint;
  packet: Packet;
  raw: Buffer;
}

export interface ConnectionOpen {
  tNs: bigint;
  connId: number;
  remote: Endpoint;
  local: Endpoint;
}

export interface ConnectionClose {
  tNs: bigint;
  connId: number;
  /** Who closed first; the other side answers the FIN. Default: the client. */
  by?: 'client' | 'broker';
}

/** Anything that consumes the tap: the pcap writer and the JSON-lines recorder. */
export interface CaptureSink {
  open(notice: ConnectionOpen): void;
  record(record: CaptureRecord): void;
  close(notice: ConnectionClose): void;
  end(): void;
}
