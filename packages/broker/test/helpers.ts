import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { duplexPair, type Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import mqtt, { type Packet } from 'mqtt-packet';
import { createBroker, loadMosquittoConf, type Broker, type BrokerClock, type BrokerOptions, type BrokerEvent, type CaptureRecord } from '../src/index.ts';

export const PKI = resolve(import.meta.dirname, '../../../fixtures/pki');
export const pem = (name: string): string => readFileSync(resolve(PKI, name), 'utf8');

export function fixedClock(iso: string): BrokerClock & { set(iso: string): void } {
  let ms = Date.parse(iso);
  return {
    nowNs: () => BigInt(ms) * 1_000_000n,
    utcMs: () => ms,
    set(next: string) {
      ms = Date.parse(next);
    },
  };
}

export interface TestBroker {
  broker: Broker;
  captures: CaptureRecord[];
  events: BrokerEvent[];
  clock: ReturnType<typeof fixedClock>;
}

export async function startFixtureBroker(date = '2026-06-01T00:00:00Z', extra: Partial<BrokerOptions> = {}): Promise<TestBroker> {
  const captures: CaptureRecord[] = [];
  const events: BrokerEvent[] = [];
  const clock = fixedClock(date);
  const broker = await createBroker({
    config: loadMosquittoConf(resolve(PKI, 'mosquitto.conf')),
    clock,
    onCapture: (r) => captures.push(r),
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { broker, captures, events, clock };
}

/** Test-side MQTT client over TLS on an in-memory pair, speaking raw mqtt-packet. */
export class TestClient {
  readonly received: Packet[] = [];
  closed = false;
  /** The client completed its side of the TLS handshake. */
  secured = false;
  tlsError: Error | null = null;
  private waiters: { match: (p: Packet) => boolean; resolve: (p: Packet) => void }[] = [];
  private closeWaiters: (() => void)[] = [];

  constructor(readonly socket: TLSSocket) {
    const parser = mqtt.parser({ protocolVersion: 4 });
    parser.on('packet', (p: Packet) => {
      this.received.push(p);
      const i = this.waiters.findIndex((w) => w.match(p));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(p);
    });
    socket.on('data', (d: Buffer) => parser.parse(d));
    socket.on('error', (e) => (this.tlsError = e));
    socket.once('secureConnect', () => (this.secured = true));
    // A TLS peer that sees EOF is done, whether or not it half-closes its own side.
    const onClosed = (): void => {
      this.closed = true;
      for (const w of this.closeWaiters.splice(0)) w();
    };
    socket.on('end', onClosed);
    socket.on('close', onClosed);
  }

  send(p: Packet): void {
    this.socket.write(mqtt.generate(p));
  }

  next(cmd: Packet['cmd'], timeoutMs = 3000): Promise<Packet> {
    const have = this.received.find((p) => p.cmd === cmd);
    if (have) {
      this.received.splice(this.received.indexOf(have), 1);
      return Promise.resolve(have);
    }
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ${cmd} within ${timeoutMs} ms (closed=${this.closed})`)), timeoutMs);
      this.waiters.push({
        match: (p) => p.cmd === cmd,
        resolve: (p) => {
          clearTimeout(t);
          this.received.splice(this.received.indexOf(p), 1);
          resolve(p);
        },
      });
    });
  }

  whenClosed(timeoutMs = 3000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`connection still open after ${timeoutMs} ms`)), timeoutMs);
      this.closeWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  async connectMqtt(clientId: string, extra: Partial<mqtt.IConnectPacket> = {}): Promise<mqtt.IConnackPacket> {
    this.send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId, keepalive: 15, ...extra });
    return (await this.next('connack')) as mqtt.IConnackPacket;
  }

  end(): void {
    this.socket.end();
  }
}

export interface DialOptions {
  cert?: string;
  key?: string;
  tls?: Partial<ConnectionOptions>;
  /** The connection's two ends, server's first (default: a stream pair). */
  pair?: () => [Duplex, Duplex];
}

/** Opens a TLS client to `broker` over an in-memory pair; resolves when the handshake ends either way. */
export async function dial(broker: Broker, o: DialOptions = {}): Promise<TestClient> {
  const [server, client] = (o.pair ?? duplexPair)();
  broker.acceptStream(server, { remoteAddress: '10.0.0.2', remotePort: 50000, localAddress: '10.0.0.1', localPort: 8883 });
  const socket = tlsConnect({
    socket: client as never,
    ca: pem('ca.crt'),
    servername: 'broker.local',
    ...(o.cert ? { cert: pem(o.cert), key: pem(o.key ?? o.cert.replace(/\.crt$/, '.key')) } : {}),
    ...o.tls,
  });
  const c = new TestClient(socket);
  await new Promise<void>((resolve) => {
    socket.once('secureConnect', () => resolve());
    socket.once('error', () => resolve());
    socket.once('close', () => resolve());
    socket.once('end', () => resolve());
  });
  return c;
}

/** A PUBLISH as a client sends it; a messageId only when given (QoS 1 and 2). */
export function publishPacket(topic: string, payload: Buffer, qos: 0 | 1 = 0, messageId?: number): mqtt.IPublishPacket {
  return { cmd: 'publish', topic, payload, qos, retain: false, dup: false, ...(messageId ? { messageId } : {}) };
}

export async function settle(ms = 50): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}
