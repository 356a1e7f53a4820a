// The operator: the account that sends irrigation commands, an mqtt.js client
// with the operator certificate. Like the node, it checks the broker's
// certificate against the world's UTC (never the wall clock) before a single
// MQTT byte is written, then hands the verified TLS socket to mqtt.js.
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { MqttClient, UniqueMessageIdProvider } from 'mqtt';

export interface OperatorOptions {
  caPem: string;
  certPem: string;
  keyPem: string;
  clientId?: string;
  host?: string; // name the broker certificate must carry
  utcMs(): number;
  /** A fresh transport stream to the broker, or an error message. */
  open(): Duplex | string;
}

export class Operator {
  private client: MqttClient | null = null;
  private connecting: Promise<MqttClient> | null = null;
  private readonly ca: X509Certificate;

  constructor(private readonly opts: OperatorOptions) {
    this.ca = new X509Certificate(opts.caPem);
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async publish(topic: string, payload: Buffer, o: { qos: 0 | 1 | 2; retain: boolean }): Promise<void> {
    const client = await this.ensureConnected();
    await client.publishAsync(topic, payload, { qos: o.qos, retain: o.retain });
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c) await c.endAsync(true);
  }

  private ensureConnected(): Promise<MqttClient> {
    if (this.client?.connected) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async connect(): Promise<MqttClient> {
    if (this.client) await this.client.endAsync(true).catch(() => undefined);
    this.client = null;
    const sock = await this.openTls();
    const client = new MqttClient(() => sock, {
      clientId: this.opts.clientId ?? 'esphil-operator',
      protocolVersion: 4,
      clean: true,
      keepalive: 0, // the operator only sends commands; its pings would be noise in every trace
      reconnectPeriod: 0,
      connectTimeout: 15_000,
      // mqtt.js draws the first packet id at random; ids from 1 (as mosquitto_pub) keep traces reproducible.
      messageIdProvider: new UniqueMessageIdProvider(),
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', (e) => reject(new Error(`operator: MQTT connect failed: ${e.message}`)));
      client.once('close', () => reject(new Error('operator: connection closed before CONNACK')));
    });
    client.on('error', () => undefined); // a later broker restart shows up as a closed client; the next publish reconnects
    this.client = client;
    return client;
  }

  private openTls(): Promise<tls.TLSSocket> {
    const stream = this.opts.open();
    if (typeof stream === 'string') return Promise.reject(new Error(`operator: ${stream}`));
    const host = this.opts.host ?? 'broker.local';
    return new Promise((resolve, reject) => {
      const sock = tls.connect({
        socket: stream,
        ca: this.opts.caPem,
        cert: this.opts.certPem,
        key: this.opts.keyPem,
        servername: host,
        minVersion: 'TLSv1.2',
        maxVersion: 'TLSv1.2',
        rejectUnauthorized: false, // checked below against virtual time
      });
      sock.once('secureConnect', () => {
        const problem = this.checkBroker(sock, host);
        if (problem) {
          sock.destroy();
          reject(new Error(`operator: broker certificate refused: ${problem}`));
        } else resolve(sock);
      });
      sock.once('error', (e) => reject(new Error(`operator: TLS: ${e.message}`)));
    });
  }

  private checkBroker(sock: tls.TLSSocket, host: string): string | null {
    const peer = sock.getPeerX509Certificate();
    if (!peer) return 'no certificate';
    if (!peer.verify(this.ca.publicKey) || peer.issuer !== this.ca.subject) return 'not signed by the CA';
    const now = this.opts.utcMs();
    if (now < Date.parse(peer.validFrom)) return `not valid before ${peer.validFrom}`;
    if (now > Date.parse(peer.validTo)) return `expired ${peer.validTo}`;
    if (!peer.checkHost(host) && !peer.checkIP(host)) return `not issued for ${host}`;
    return null;
  }
}
