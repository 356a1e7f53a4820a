// The node's broker: aedes behind mutual TLS, configured like mosquitto,
// reachable over in-memory duplex streams (the emulator) and TCP (outside tools).
import { Aedes, type Client } from 'aedes';
import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createSecureContext, type SecureContext } from 'node:tls';
import { confLimits, type BrokerConfig, type TlsVersion } from './config.ts';
import { Connection, type ConnectionHost } from './connection.ts';
import { onPacketHandled } from './aedes-inflow.ts';
import { parseLonePingreqDirectly } from './mqtt/lone-pingreq.ts';
import { installDeniedPublishDrop, policyHooks, type PolicyHost } from './policy.ts';
import { listenerCipherOptions } from './tls/ciphers.ts';
import { TrustStore } from './tls/verify.ts';
import { AEDES_HEARTBEAT_INTERVAL_MS, Heartbeat } from './heartbeat.ts';
import { DEFAULT_LIMITS, type BrokerLimits } from './limits.ts';
import { realClock, type BrokerClock, type BrokerEvent, type BrokerOptions, type CaptureRecord, type Endpoint } from './types.ts';

// mosquitto 2.0 net_mosq.c: tls_version is the lowest version offered; newer ones stay enabled.
const MIN_VERSION: Record<TlsVersion, 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'> = {
  'tlsv1.1': 'TLSv1.1',
  'tlsv1.2': 'TLSv1.2',
  'tlsv1.3': 'TLSv1.3',
};

export interface AcceptInfo {
  remoteAddress?: string;
  remotePort?: number;
  localAddress?: string;
  localPort?: number;
}

export interface ListenOptions {
  /** Default: the configured listener port (8883); 0 picks a free one. */
  port?: number;
  /** Default: the configured bind address, else 127.0.0.1. */
  host?: string;
}

export async function createBroker(opts: BrokerOptions): Promise<Broker> {
  const broker = new Broker(opts);
  await broker.start();
  return broker;
}

export class Broker implements ConnectionHost, PolicyHost {
  readonly config: BrokerConfig;
  readonly clock: BrokerClock;
  readonly trust: TrustStore;
  readonly deniedSubscribe: 'suback-0x80' | 'grant';
  readonly limits: BrokerLimits;
  private readonly secureContext: SecureContext;
  private readonly onCapture: ((r: CaptureRecord) => void) | undefined;
  private readonly onEvent: ((e: BrokerEvent) => void) | undefined;
  private instance: Aedes | null = null;
  private heartbeat: Heartbeat | null = null;
  private readonly connections = new Set<Connection>();
  private readonly byStream = new WeakMap<Duplex, Connection>();
  private nextConnId = 1;
  private server: Server | null = null;
  private listening: { port: number; host: string } | null = null;

  constructor(opts: BrokerOptions) {
    const c = opts.config;
    this.config = c;
    this.clock = opts.clock ?? realClock;
    this.onCapture = opts.onCapture;
    this.onEvent = opts.onEvent;
    this.deniedSubscribe = opts.deniedSubscribe ?? 'suback-0x80';
    this.limits = { ...DEFAULT_LIMITS, ...confLimits(c), ...opts.limits };
    this.trust = new TrustStore(c.cafile.pem, c.cafile.path, c.crlfile?.pem, c.crlfile?.path);
    try {
      this.secureContext = createSecureContext({
        cert: c.certfile.pem,
        key: c.keyfile.pem,
        ca: c.cafile.pem, // sent as acceptable client CA names in the CertificateRequest
        minVersion: MIN_VERSION[c.tlsVersion],
        ...listenerCipherOptions(c.ciphers, c.ciphersTls13),
      });
    } catch (e) {
      const what = c.ciphers || c.ciphersTls13 ? 'certificate, key or cipher list' : 'certificate or key';
      throw new Error(`${c.certfile.path} / ${c.keyfile.path}: unusable broker ${what}: ${(e as Error).message}`);
    }
  }

  get running(): boolean {
    return this.instance !== null;
  }

  /** The aedes instance (replaced by every start/restart). */
  get aedes(): Aedes {
    if (!this.instance) throw new Error('broker is stopped');
    return this.instance;
  }

  /** Serves one client: TLS server side over `stream`. */
  acceptStream(stream: Duplex, info: AcceptInfo = {}): void {
    const id = this.nextConnId++;
    const remote: Endpoint = { address: info.remoteAddress ?? '0.0.0.0', port: info.remotePort ?? 0 };
    const local: Endpoint = {
      address: info.localAddress ?? this.listening?.host ?? this.config.bindAddress ?? '0.0.0.0',
      port: info.localPort ?? this.listening?.port ?? this.config.port,
    };
    // A stopped mosquitto has no listening socket: the peer sees the connection drop.
    if (!this.instance) return this.drop(stream, id, remote, 'BROKER_STOPPED', 'broker is stopped');
    const { maxConnections } = this.limits;
    // mosquitto net__socket_accept: "Client connection from %s denied: max_connections exceeded."
    if (maxConnections >= 0 && this.connections.size >= maxConnections) {
      return this.drop(stream, id, remote, 'MAX_CONNECTIONS', `max_connections ${maxConnections} exceeded`);
    }
    this.connections.add(new Connection(this, id, stream, remote, local, this.secureContext));
  }

  private drop(stream: Duplex, connId: number, remote: Endpoint, code: string, reason: string): void {
    this.event({ what: 'tls-refused', detail: { connId, remote, code, reason } });
    // end(), not destroy(): the partner of an in-memory pair only notices an end.
    stream.on('error', () => undefined);
    stream.resume();
    stream.end();
    stream.once('finish', () => stream.destroy());
  }

  async listen(opts: ListenOptions = {}): Promise<{ port: number; host: string }> {
    if (this.server) throw new Error(`broker already listening on ${this.listening?.host}:${this.listening?.port}`);
    const host = opts.host ?? this.config.bindAddress ?? '127.0.0.1';
    const port = opts.port ?? this.config.port;
    const server = createServer((sock: Socket) =>
      this.acceptStream(sock, {
        remoteAddress: sock.remoteAddress ?? '0.0.0.0',
        remotePort: sock.remotePort ?? 0,
        localAddress: sock.localAddress ?? host,
        localPort: sock.localPort ?? 0,
      }),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(new Error(`cannot listen on ${host}:${port}: ${(e as Error).message}`)));
      server.listen(port, host, () => resolve());
    });
    const addr = server.address();
    const bound = { host, port: typeof addr === 'object' && addr ? addr.port : port };
    this.server = server;
    this.listening = bound;
    return bound;
  }

  async start(): Promise<void> {
    if (this.instance) return;
    // A fixed id: aedes would draw a random UUID, which shows up in $SYS topics.
    const startMs = Date.now();
    const aedes = await Aedes.createBroker({ id: 'esphil-broker', heartbeatInterval: AEDES_HEARTBEAT_INTERVAL_MS, ...policyHooks(this) });
    installDeniedPublishDrop(aedes);
    this.heartbeat = new Heartbeat(aedes, startMs);
    aedes.on('client', (client: Client) => {
      const conn = this.connectionOf(client);
      if (!conn) return;
      conn.mqttConnected = true;
      conn.clientId = client.id;
      this.event({ what: 'client-connected', detail: { connId: conn.id, clientId: client.id, identity: conn.identity, username: conn.username } });
    });
    this.instance = aedes;
    if (this.listening && !this.server) {
      const { port, host } = this.listening;
      this.listening = null;
      await this.listen({ port, host });
    }
    this.event({ what: 'broker-started', detail: {} });
  }

  /** Drops every client and forgets all sessions and retained messages (no persistence, like mosquitto's default). */
  async stop(): Promise<void> {
    const aedes = this.instance;
    if (!aedes) return;
    this.instance = null;
    this.heartbeat?.stop();
    this.heartbeat = null;
    for (const conn of [...this.connections]) conn.close('broker stopped');
    if (this.server) {
      const server = this.server;
      this.server = null;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    this.event({ what: 'broker-stopped', detail: {} });
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Stops the broker and releases the TCP port for good. */
  async close(): Promise<void> {
    await this.stop();
    this.listening = null;
  }

  // ConnectionHost
  capture(r: CaptureRecord): void {
    this.onCapture?.(r);
  }

  event(e: BrokerEvent): void {
    this.onEvent?.(e);
  }

  attach(conn: Connection, mqttStream: Duplex): void {
    this.byStream.set(mqttStream, conn);
    const client = this.aedes.handle(mqttStream) as Client & { _nextId: number };
    // aedes starts outgoing message ids at random (lib/client.js); mosquitto at 1
    // (mosquitto__mid_generate). Starting at 1 also keeps traces reproducible.
    client._nextId = 1;
    onPacketHandled(client, () => conn.packetHandled());
    parseLonePingreqDirectly(client);
  }

  detach(conn: Connection): void {
    this.connections.delete(conn);
  }

  // PolicyHost
  connectionOf(client: Client | null): Connection | undefined {
    return client ? this.byStream.get(client.conn as Duplex) : undefined;
  }
}
