// TLS parity with Debian's mosquitto 2.0, both running the same conf file (the
// one `esphil certs` writes, fixtures/pki): the suites a listener accepts and
// the suite it picks.
import { execFileSync } from 'node:child_process';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroker, loadMosquittoConf } from '../src/index.ts';
import { fixedClock, pem } from './helpers.ts';
import { missingTools, startMosquitto } from './tools.ts';

const skip = missingTools('mosquitto', 'mosquitto_pub', 'openssl') !== null;

/** Every suite this OpenSSL knows, by protocol: TLS 1.3 suites, and the rest (usable in TLS 1.2). */
function knownSuites(): { tls12: string[]; tls13: string[] } {
  const lines = execFileSync('openssl', ['ciphers', '-v', 'ALL:COMPLEMENTOFALL'], { encoding: 'utf8' }).trim().split('\n');
  const rows = lines.map((l) => l.trim().split(/\s+/) as [string, string]);
  return { tls12: rows.filter(([, v]) => v !== 'TLSv1.3').map(([n]) => n), tls13: rows.filter(([, v]) => v === 'TLSv1.3').map(([n]) => n) };
}

interface Outcome {
  /** The client finished its side of the handshake ('secureConnect'). */
  secured: boolean;
  suite: string | null;
  /** The client's error code and OpenSSL's text without its per-thread prefix, or 'closed'. */
  error: string | null;
  /** NewSessionTicket messages the client received. */
  tickets: number;
}

/** One Node TLS client to 127.0.0.1:`port` with the node certificate unless `o` says otherwise; never writes. */
function handshake(port: number, o: ConnectionOptions): Promise<Outcome> {
  return new Promise((resolve) => {
    const s = tlsConnect({ host: '127.0.0.1', port, ca: pem('ca.crt'), cert: pem('node.crt'), key: pem('node.key'), servername: 'broker.local', ...o });
    const out: Outcome = { secured: false, suite: null, error: null, tickets: 0 };
    let settled = false;
    const done = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...out });
      s.destroy();
    };
    let timer = setTimeout(() => {
      out.error = 'no handshake within 10 s';
      done();
    }, 10_000);
    s.on('session', () => out.tickets++);
    s.once('secureConnect', () => {
      out.secured = true;
      out.suite = s.getCipher().standardName;
      if (s.getProtocol() === 'TLSv1.2') return done();
      // A refused TLS 1.3 client learns it from the alert after its handshake; an accepted one gets its tickets.
      clearTimeout(timer);
      timer = setTimeout(done, 500);
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      out.error = `${e.code}: ${e.message.replace(/^[0-9A-F]+:error:/, 'error:')}`;
      done();
    });
    s.once('close', () => {
      out.error ??= 'closed';
      done();
    });
  });
}

/**
 * The outcome of offering each suite alone, 8 handshakes at a time. TLS 1.2: with
 * SECLEVEL=0 the client offers even what its own defaults would hold back, so the server decides.
 */
async function offerEach(port: number, suites: string[], o: ConnectionOptions): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (let i = 0; i < suites.length; i += 8) {
    const batch = suites.slice(i, i + 8);
    const outcomes = await Promise.all(batch.map((suite) => handshake(port, { ...o, ciphers: suite.startsWith('TLS_') ? suite : `${suite}:@SECLEVEL=0` })));
    batch.forEach((suite, j) => (result[suite] = outcomes[j]!.secured ? 'accepted' : `refused (${outcomes[j]!.error?.split(':')[0]})`));
  }
  return result;
}

interface Pair {
  mosquitto: number;
  esphil: number;
}

/** Debian's mosquitto and esphil's broker (at `date`) on free ports, loading the same conf file. */
function bothBrokers(extra: string[], date = new Date().toISOString()): { ports: () => Pair } {
  let pair: Pair;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    const m = await startMosquitto(extra);
    const broker = await createBroker({ config: loadMosquittoConf(m.conf), clock: fixedClock(date) });
    const { port } = await broker.listen({ port: 0 });
    pair = { mosquitto: m.port, esphil: port };
    stop = async () => {
      await broker.close();
      await m.stop();
    };
  });
  afterAll(async () => stop?.());
  return { ports: () => pair };
}

const suites = skip ? { tls12: [], tls13: [] } : knownSuites();

for (const [label, extra] of [
  ['no cipher settings (mosquitto picks its own list)', []],
  ['ciphers and ciphers_tls1.3 set', ['ciphers ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA:DHE-RSA-CHACHA20-POLY1305:AES128-CCM', 'ciphers_tls1.3 TLS_AES_128_CCM_SHA256:TLS_CHACHA20_POLY1305_SHA256']],
] as const) {
  describe.skipIf(skip)(`cipher suites, esphil's broker and Debian mosquitto with ${label}`, () => {
    const { ports } = bothBrokers([...extra]);

    it(`accept the same TLS 1.2 suites, each of OpenSSL's ${suites.tls12.length} offered alone`, async () => {
      const o: ConnectionOptions = { maxVersion: 'TLSv1.2' };
      // One after the other: this process runs every client and esphil's side of the handshakes.
      const m = await offerEach(ports().mosquitto, suites.tls12, o);
      const e = await offerEach(ports().esphil, suites.tls12, o);
      expect(e).toEqual(m);
      const accepted = Object.keys(e).filter((s) => e[s] === 'accepted');
      expect(accepted.length).toBeGreaterThan(0);
      // What Node would accept by default, and mosquitto does not.
      if (extra.length === 0) expect(accepted.filter((s) => /CCM|ARIA/.test(s))).toEqual([]);
    });

    it('accept the same TLS 1.3 suites', async () => {
      const o: ConnectionOptions = { minVersion: 'TLSv1.3' };
      const m = await offerEach(ports().mosquitto, suites.tls13, o);
      const e = await offerEach(ports().esphil, suites.tls13, o);
      expect(e).toEqual(m);
    });

    it("pick the same suite from a client's default offer (server preference)", async () => {
      for (const o of [{ maxVersion: 'TLSv1.2' }, {}] as ConnectionOptions[]) {
        const [m, e] = await Promise.all([handshake(ports().mosquitto, o), handshake(ports().esphil, o)]);
        expect(m.secured).toBe(true);
        expect(e.suite).toBe(m.suite);
      }
    });
  });
}
