// What the broker's capture tap hands to the recorders (pcap-writer.ts, jsonl.ts):
// one record per MQTT packet, plus a notice when a connection opens or closes.
// Times are world (virtual) time in nanoseconds.
import type { CaptureRecord, Endpoint } from '@esphil/broker';

// The broker's tap types: one record per MQTT packet; `remote` is the client, `local` the broker.
export type { CaptureRecord, Endpoint };

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
