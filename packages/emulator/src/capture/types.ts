// What every capture reader (pcap, pcapng, JSON-lines recording) produces.
import type { Packet } from 'mqtt-packet';
import type { CaptureWarning } from './errors.ts';
import type { Endpoint } from './records.ts';

export type Direction = 'to-broker' | 'from-broker'; // client→server, server→client

export interface CapturedPacket {
  /** Position in `packets`, 0-based. */
  index: number;
  /** Capture time: ns since the Unix epoch (pcap/pcapng) or world time (JSONL recordings). */
  tNs: bigint;
  dir: Direction;
  conn: number;
  /** Client id from the connection's CONNECT; '' when the CONNECT was not captured. */
  clientId: string;
  packet: Packet;
  raw: Buffer;
  /** Where it came from: 'frame 12' (the frame holding its last byte) or 'line 5'. */
  where: string;
}

export interface CapturedConnection {
  conn: number;
  client: Endpoint;
  server: Endpoint;
  clientId: string;
  protocolVersion: 3 | 4 | 5;
  /** How client and server were told apart. */
  roleFrom: 'connect' | 'syn' | 'packet-types' | 'port' | 'recording';
}

export interface CaptureReadResult {
  format: 'pcap' | 'pcapng' | 'jsonl';
  /** Time of the first record in the capture (any packet, MQTT or not). */
  startNs: bigint;
  packets: CapturedPacket[];
  connections: CapturedConnection[];
  warnings: CaptureWarning[];
}
