// A fake Network whose hosts are Node TLS servers on in-memory duplex pairs, speaking FakeBroker MQTT.
import tls from 'node:tls';
import { duplexPair, type Duplex } from 'node:stream';
import type { Network, NetConnectResult } from '../../src/contract.ts';
import { FakeBroker, type FakeBrokerOptions } from './fake-broker.ts';
import { noteIo, tapWrites } from './io.ts';
import { pki } from './pki.ts';

export interface TlsNetOptions {
  /** Server certificate base name in fixtures/pki (broker, broker-expired, ...). */
  serverCert?: string;
  hosts?: string[];
  /** Accept TCP but never answer the ClientHello. */
  silent?: boolean;
  broker?: FakeBrokerOptions;
}

export class TlsNetwork implements Network {
  readonly brokers: FakeBroker[] = [];
  readonly serverErrors: string[] = [];
  readonly attempts: { host: string; port: number }[] = [];
  private readonly servers: { tls: tls.TLSSocket | null; raw: Duplex }[] = [];

  constructor(public opts: TlsNetOptions = {}) {}

  connect(host: string, port: number): NetConnectResult {
    this.attempts.push({ host, port });
    const hosts = this.opts.hosts ?? ['broker.local'];
    if (!hosts.includes(host)) return { ok: false, reason: `DNS: ${host} not found` };
    const [client, server] = duplexPair();
    tapWrites(client);
    tapWrites(server);
    if (this.opts.silent) {
      this.servers.push({ tls: null, raw: server });
      return { ok: true, stream: client };
    }
    const name = this.opts.serverCert ?? 'broker';
    const sock = new tls.TLSSocket(server, {
      isServer: true,
      cert: pki(`${name}.crt`),
      key: pki(`${name}.key`),
      ca: [pki('ca.crt')],
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    });
    this.servers.push({ tls: sock, raw: server });
    const broker = FakeBroker.on(sock, this.opts.broker);
    this.brokers.push(broker);
    sock.on('error', (e) => {
      this.serverErrors.push(e.message);
      noteIo();
    });
    return { ok: true, stream: client };
  }

  get lastBroker(): FakeBroker | undefined {
    return this.brokers[this.brokers.length - 1];
  }

  /** Bytes straight onto the last connection's wire, under TLS (a corrupt record). */
  injectRaw(bytes: Buffer): void {
    this.servers[this.servers.length - 1]!.raw.write(bytes);
  }

  /** The broker side drops every connection (FIN on the in-memory pair, then gone). */
  closeAll(): void {
    for (const s of this.servers) {
      s.raw.end();
      s.tls?.destroy();
    }
  }
}
