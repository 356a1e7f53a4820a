// The node's surroundings: a virtual access point, an NTP server answering
// with the world's UTC, DNS, and the path to the broker — in-memory TLS
// streams (default) or TCP loopback. Every byte written on a node-side stream
// bumps `activity`, which is how the world knows real I/O has settled.
import { Duplex, duplexPair } from 'node:stream';
import type { AccessPoint, NtpServer, Network } from '@esphil/esp-model';
import type { EventQueue } from './queue.ts';
import type { VirtualClock } from './clock.ts';
import { TcpLink } from './tcp-link.ts';
import { connectOutside, type OutsideBroker } from './outside-broker.ts';
import { LinkEnd, memoryLinkAvailable } from './memory-link.ts';

export const BROKER_IP = '192.168.4.1';
export const NODE_IP = '192.168.4.2';
export const NODE_MAC = '5C:CF:7F:00:00:03';
const BROKER_NAMES = new Set(['broker.local', 'localhost', '127.0.0.1', BROKER_IP]);

export interface BrokerEndpoint {
  running(): boolean;
  /** Hand the broker its end of a connection (an in-memory link's end, or the accepted TCP socket). */
  accept(stream: Duplex, info: { remoteAddress: string; remotePort: number; localAddress?: string; localPort?: number }): void;
}

export const OPERATOR_IP = '192.168.4.10';

export interface NetworkOptions {
  clock: VirtualClock;
  queue: EventQueue;
  ap: { ssid: string; psk: string };
  ntp: { delayNs: bigint; respond: boolean };
  transport: 'memory' | 'tcp';
  broker: BrokerEndpoint;
  /** A broker outside the world: the node's connections to its host and port leave the process. */
  outside?: { broker: OutsideBroker; failed(reason: string): void };
  onEvent(what: string, detail?: Record<string, unknown>): void;
}

export class WorldNetwork {
  /** Bytes written on any node-side stream; the world settles until it stops changing. */
  activity = 0;
  /** The loopback TCP path when the transport is 'tcp' (start() it before use). */
  readonly tcp: TcpLink | null;
  wifiUp = true;
  ntpResponds: boolean;
  private readonly opts: NetworkOptions;
  private nextPort = 49152;
  private readonly nodeStreams = new Set<Duplex>();
  private onLinkLost: (() => void) | null = null;

  constructor(opts: NetworkOptions) {
    this.opts = opts;
    this.ntpResponds = opts.ntp.respond;
    this.tcp = opts.transport === 'tcp' ? new TcpLink(() => this.activity++, (stream, info) => opts.broker.accept(stream, info)) : null;
  }

  setLinkLostHandler(fn: () => void): void {
    this.onLinkLost = fn;
  }

  setWifi(up: boolean): void {
    if (this.wifiUp === up) return;
    this.wifiUp = up;
    this.opts.onEvent(up ? 'wifi-up' : 'wifi-down');
    if (!up) {
      // Without a link every TCP connection of the station dies with it.
      for (const s of this.nodeStreams) s.destroy();
      this.nodeStreams.clear();
      this.onLinkLost?.();
    }
  }

  readonly accessPoint: AccessPoint = this.makeAccessPoint();

  private makeAccessPoint(): AccessPoint {
    const network = this;
    return {
      join: (ssid, psk) => {
        const ap = this.opts.ap;
        if (!this.wifiUp || ssid !== ap.ssid) return { ok: false, reason: 'no-ap' };
        if (psk !== ap.psk) return { ok: false, reason: 'auth' };
        return { ok: true, ip: NODE_IP, gateway: BROKER_IP, dns: BROKER_IP };
      },
      get up() {
        return network.wifiUp;
      },
    };
  }

  readonly ntpServer: NtpServer = {
    request: (server, reply) => {
      if (!this.wifiUp || !this.ntpResponds) return;
      const { clock, queue, ntp } = this.opts;
      queue.schedule(clock.nowNs() + ntp.delayNs, () => {
        if (this.wifiUp && this.ntpResponds) {
          this.opts.onEvent('ntp-reply', { server, utc: new Date(clock.utcMs()).toISOString() });
          reply(clock.utcMs());
        }
      });
    },
  };

  readonly network: Network = {
    connect: (host, port) => {
      if (!this.wifiUp) return { ok: false, reason: 'no link' };
      const outside = this.opts.outside;
      if (outside) {
        // The access point routes to the internet: the outside broker is the node's only server.
        if (host !== outside.broker.host) return { ok: false, reason: `DNS: ${host} not found` };
        const stream = this.outsideStream(outside.broker);
        this.nodeStreams.add(stream);
        stream.once('close', () => this.nodeStreams.delete(stream));
        return { ok: true, stream };
      }
      if (!BROKER_NAMES.has(host)) return { ok: false, reason: `DNS: ${host} not found` };
      const broker = this.opts.broker;
      if (port !== 8883 || !broker.running()) return { ok: false, reason: `connection refused by ${host}:${port}` };
      const stream = this.tcp ? this.tcp.connect() : this.memoryStream(broker);
      this.nodeStreams.add(stream);
      stream.once('close', () => this.nodeStreams.delete(stream));
      return { ok: true, stream };
    },
  };

  /** A TCP connection to the outside broker; its bytes count as activity. */
  outsideStream(broker: OutsideBroker): Duplex {
    return connectOutside(broker, () => this.activity++, (reason) => this.opts.outside?.failed(reason));
  }

  /** Counts writes on a node-side stream without consuming its data. */
  private countWrites(s: Duplex): Duplex {
    const write = s.write.bind(s) as (...a: unknown[]) => boolean;
    s.write = ((...args: unknown[]) => {
      this.activity++;
      return write(...args);
    }) as typeof s.write;
    return s;
  }

  /** An in-memory connection to the broker from `address`; both directions count as activity. */
  memoryStream(broker: BrokerEndpoint, address = NODE_IP): Duplex {
    const [clientEnd, brokerEnd] = memoryLinkAvailable ? LinkEnd.pair(() => this.activity++) : this.streamPair();
    broker.accept(brokerEnd, { remoteAddress: address, remotePort: this.nextPort++, localAddress: BROKER_IP, localPort: 8883 });
    return clientEnd;
  }

  /** The same connection as a stream pair, where the link cannot be made (Node's JSStreamSocket then carries TLS). */
  private streamPair(): [Duplex, Duplex] {
    const [clientEnd, brokerEnd] = duplexPair();
    this.countWrites(clientEnd);
    this.countWrites(brokerEnd);
    // A closed socket closes the connection for both peers, as a TCP reset would.
    clientEnd.once('close', () => {
      this.activity++;
      brokerEnd.destroy();
    });
    brokerEnd.once('close', () => {
      this.activity++;
      clientEnd.destroy();
    });
    return [clientEnd, brokerEnd];
  }
}
