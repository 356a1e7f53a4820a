// The node's surroundings: a virtual access point, an NTP server answering
// with the world's UTC, DNS, and the path to the broker — in-memory TLS
// streams (default) or TCP loopback. Every byte written on a node-side stream
// bumps `activity`, which is how the world knows real I/O has settled.
import { Duplex, duplexPair } from 'node:stream';
import net from 'node:net';
import type { AccessPoint, NtpServer, Network } from '@esphil/esp-model';
import type { EventQueue } from './queue.ts';
import type { VirtualClock } from './clock.ts';

export const BROKER_IP = '192.168.4.1';
export const NODE_IP = '192.168.4.2';
export const NODE_MAC = '5C:CF:7F:00:00:03';
const BROKER_NAMES = new Set(['broker.local', 'localhost', '127.0.0.1', BROKER_IP]);

export interface BrokerEndpoint {
  running(): boolean;
  /** In-memory transport: hand the broker its end of a stream pair. */
  accept(stream: Duplex, info: { remoteAddress: string; remotePort: number }): void;
  /** TCP transport: the port the broker listens on (127.0.0.1). */
  tcpPort(): number | null;
}

export const OPERATOR_IP = '192.168.4.10';

export interface NetworkOptions {
  clock: VirtualClock;
  queue: EventQueue;
  ap: { ssid: string; psk: string };
  ntp: { delayNs: bigint; respond: boolean };
  transport: 'memory' | 'tcp';
  broker: BrokerEndpoint;
  onEvent(what: string, detail?: Record<string, unknown>): void;
}

export class WorldNetwork {
  /** Bytes written on any node-side stream; the world settles until it stops changing. */
  activity = 0;
  openTcp = 0;
  wifiUp = true;
  ntpResponds: boolean;
  private readonly opts: NetworkOptions;
  private nextPort = 49152;
  private readonly nodeStreams = new Set<Duplex>();
  private onLinkLost: (() => void) | null = null;

  constructor(opts: NetworkOptions) {
    this.opts = opts;
    this.ntpResponds = opts.ntp.respond;
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

  readonly accessPoint: AccessPoint = {
    join: (ssid, psk) => {
      const ap = this.opts.ap;
      if (!this.wifiUp || ssid !== ap.ssid) return { ok: false, reason: 'no-ap' };
      if (psk !== ap.psk) return { ok: false, reason: 'auth' };
      return { ok: true, ip: NODE_IP, gateway: BROKER_IP, dns: BROKER_IP };
    },
    get up() {
      return true;
    },
  };

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
      if (!BROKER_NAMES.has(host)) return { ok: false, reason: `DNS: ${host} not found` };
      const broker = this.opts.broker;
      if (port !== 8883 || !broker.running()) return { ok: false, reason: `connection refused by ${host}:${port}` };
      const stream = this.opts.transport === 'tcp' ? this.tcpStream(broker) : this.memoryStream(broker);
      if (!stream) return { ok: false, reason: `connection refused by ${host}:${port}` };
      this.nodeStreams.add(stream);
      stream.once('close', () => this.nodeStreams.delete(stream));
      return { ok: true, stream };
    },
  };

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
    broker.accept(brokerEnd, { remoteAddress: address, remotePort: this.nextPort++ });
    return clientEnd;
  }

  /**
   * A JS duplex in front of a loopback TCP socket, so TLS runs over it like
   * over a stream pair and every byte in either direction counts as activity.
   */
  private tcpStream(broker: BrokerEndpoint): Duplex | null {
    const port = broker.tcpPort();
    if (port === null) return null;
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.setNoDelay(true);
    this.openTcp++;
    const proxy = new Duplex({
      write: (chunk, _enc, cb) => {
        this.activity++;
        sock.write(chunk, cb);
      },
      final: (cb) => sock.end(cb),
      read: () => sock.resume(),
      destroy: (err, cb) => {
        sock.destroy();
        cb(err);
      },
    });
    sock.on('data', (d) => {
      this.activity++;
      if (!proxy.push(d)) sock.pause();
    });
    sock.once('end', () => proxy.push(null));
    sock.once('error', (e) => proxy.destroy(e));
    sock.once('close', () => {
      this.openTcp--;
      this.activity++;
      if (!proxy.destroyed) proxy.destroy();
    });
    return proxy;
  }
}
