// Writes the broker-side MQTT sessions as a classic libpcap file that
// tshark/Wireshark decode as MQTT: nanosecond-resolution pcap (magic
// 0xa1b23c4d, little-endian, version 2.4, the "nsecpcap" of editcap) so
// virtual timestamps survive exactly; link type Ethernet; each connection is
// an IPv4/TCP flow with SYN, SYN-ACK, ACK, data segments of at most MSS bytes,
// and FIN/FIN-ACK/ACK at close. The broker side is always port 1883, the IANA
// MQTT port Wireshark's dissector listens on, whatever port the broker used.
import { isIPv4 } from 'node:net';
import { buildFrame } from './frame.ts';
import { LINKTYPE_ETHERNET, PCAP_MAGIC_NS, TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN } from './numbers.ts';
import type { CaptureRecord, CaptureSink, ConnectionClose, ConnectionOpen, Endpoint } from './records.ts';
import type { ByteSink } from './sink.ts';

export const MQTT_PORT = 1883;
/** Ethernet MTU 1500 - 20 (IPv4) - 20 (TCP). */
export const WRITER_MSS = 1460;
const SNAPLEN = 262144;
const WINDOW = 65535;

export interface PcapWriterOptions {
  /** UTC epoch (ms) that world time 0 corresponds to. */
  baseEpochMs: number;
}

interface Side {
  ip: Buffer;
  mac: Buffer;
  port: number;
  seq: number; // next sequence number to send
  ipId: number;
}

interface Flow {
  client: Side;
  broker: Side;
  closed: boolean;
}

export class PcapWriter implements CaptureSink {
  private readonly sink: ByteSink;
  private readonly baseNs: bigint;
  private readonly flows = new Map<number, Flow>();
  private readonly ips = new Map<string, Buffer>();
  private readonly usedTuples = new Set<string>();
  private ended = false;

  constructor(sink: ByteSink, opts: PcapWriterOptions) {
    if (!Number.isSafeInteger(opts.baseEpochMs) || opts.baseEpochMs < 0) {
      throw new RangeError(`baseEpochMs must be a non-negative integer of milliseconds, got ${opts.baseEpochMs}`);
    }
    this.sink = sink;
    this.baseNs = BigInt(opts.baseEpochMs) * 1_000_000n;
    const h = Buffer.alloc(24);
    h.writeUInt32LE(PCAP_MAGIC_NS, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE(SNAPLEN, 16);
    h.writeUInt32LE(LINKTYPE_ETHERNET, 20);
    sink.write(h);
  }

  open(n: ConnectionOpen): void {
    this.assertOpen();
    const old = this.flows.get(n.connId);
    if (old && !old.closed) throw new Error(`pcap writer: connection ${n.connId} opened twice`);
    const client = this.side(n.remote, n.connId, 0);
    const broker = this.side(n.local, n.connId, 1);
    broker.port = MQTT_PORT;
    client.port = this.uniquePort(client, broker);
    const flow: Flow = { client, broker, closed: false };
    this.flows.set(n.connId, flow);
    // MSS option (kind 2, length 4) so Wireshark's analysis matches the segment sizes written.
    const mss = Buffer.from([2, 4, WRITER_MSS >> 8, WRITER_MSS & 0xff]);
    this.segment(n.tNs, client, broker, TCP_SYN, Buffer.alloc(0), mss);
    client.seq++;
    this.segment(n.tNs, broker, client, TCP_SYN | TCP_ACK, Buffer.alloc(0), mss);
    broker.seq++;
    this.segment(n.tNs, client, broker, TCP_ACK, Buffer.alloc(0));
  }

  record(r: CaptureRecord): void {
    this.assertOpen();
    let flow = this.flows.get(r.connId);
    if (!flow || flow.closed) {
      // The tap missed the open notice: synthesise the handshake so the flow still decodes.
      this.open({ tNs: r.tNs, connId: r.connId, remote: r.remote, local: r.local });
      flow = this.flows.get(r.connId)!;
    }
    const [from, to] = r.dir === 'to-broker' ? [flow.client, flow.broker] : [flow.broker, flow.client];
    for (let off = 0; off < r.raw.length; off += WRITER_MSS) {
      const chunk = r.raw.subarray(off, off + WRITER_MSS);
      this.segment(r.tNs, from, to, TCP_PSH | TCP_ACK, chunk);
      from.seq = (from.seq + chunk.length) >>> 0;
    }
  }

  close(n: ConnectionClose): void {
    this.assertOpen();
    const flow = this.flows.get(n.connId);
    if (!flow || flow.closed) return; // closing an unknown or closed flow writes nothing
    const [first, second] = n.by === 'broker' ? [flow.broker, flow.client] : [flow.client, flow.broker];
    this.segment(n.tNs, first, second, TCP_FIN | TCP_ACK, Buffer.alloc(0));
    first.seq = (first.seq + 1) >>> 0;
    this.segment(n.tNs, second, first, TCP_FIN | TCP_ACK, Buffer.alloc(0));
    second.seq = (second.seq + 1) >>> 0;
    this.segment(n.tNs, first, second, TCP_ACK, Buffer.alloc(0));
    flow.closed = true;
  }

  /** Flushes and closes the sink. Connections still open stay open in the file, as they were. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.sink.close();
  }

  private assertOpen(): void {
    if (this.ended) throw new Error('pcap writer: used after end()');
  }

  private segment(tNs: bigint, from: Side, to: Side, flags: number, payload: Buffer, options?: Buffer): void {
    const frame = buildFrame({
      srcMac: from.mac, dstMac: to.mac, srcIp: from.ip, dstIp: to.ip, ipId: from.ipId++,
      srcPort: from.port, dstPort: to.port, seq: from.seq, ack: to.seq, flags, window: WINDOW, payload, options,
    });
    const t = this.baseNs + tNs;
    if (t < 0n) throw new RangeError(`pcap writer: time ${tNs} ns is before the epoch`);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Number(t / 1_000_000_000n), 0);
    rec.writeUInt32LE(Number(t % 1_000_000_000n), 4);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    this.sink.write(Buffer.concat([rec, frame]));
  }

  /** IPv4 address for an endpoint; non-IPv4 names (in-memory pipes, IPv6) get 10.0.0.x in order of appearance. */
  private ipOf(address: string): Buffer {
    const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
    if (isIPv4(v4)) return Buffer.from(v4.split('.').map(Number));
    let ip = this.ips.get(address);
    if (!ip) {
      const n = this.ips.size + 1;
      ip = Buffer.from([10, 0, (n >> 8) & 0xff, n & 0xff]);
      this.ips.set(address, ip);
    }
    return ip;
  }

  private side(ep: Endpoint, connId: number, role: 0 | 1): Side {
    const ip = this.ipOf(ep.address);
    // Locally administered MACs derived from the IP, so one host keeps one MAC.
    const mac = Buffer.from([0x02, role === 1 ? 0x42 : 0x00, ip[0]!, ip[1]!, ip[2]!, ip[3]!]);
    // Deterministic initial sequence numbers: same inputs, same file.
    const seq = (0x10000000 * (role + 1) + connId * 0x10000) >>> 0;
    return { ip, mac, port: ep.port, seq, ipId: (connId * 0x100) & 0xffff };
  }

  /** Keeps the client's real port unless the same 4-tuple was already used by an earlier flow. */
  private uniquePort(client: Side, broker: Side): number {
    let port = client.port >= 1 && client.port <= 65535 ? client.port : 49152;
    for (;;) {
      const key = `${client.ip.join('.')}:${port}>${broker.ip.join('.')}`;
      if (!this.usedTuples.has(key)) {
        this.usedTuples.add(key);
        return port;
      }
      port = port >= 65535 ? 49152 : port + 1;
    }
  }
}
