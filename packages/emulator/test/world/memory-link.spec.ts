// The in-memory link the world's TLS connections run on: TLS uses each end's own handle,
// the broker's hold and refusals work on it, a paused reader makes the writer wait, and
// FIN and reset reach the other side. Without process.binding (--pending-deprecation)
// the world falls back to a stream pair and gives the same run, byte for byte.
import { join } from 'node:path';
import { duplexPair, type Duplex } from 'node:stream';
import { connect as tlsConnect, TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { LinkEnd, memoryLinkAvailable } from '../../src/world/memory-link.ts';
import { FIXTURES } from '../../src/world/defaults.ts';
import { dial, pem, settle, startFixtureBroker, type DialOptions, type TestBroker } from '../../../broker/test/helpers.ts';
import { esphil, normalise } from '../cli/cli.ts';

let tb: TestBroker | undefined;
afterEach(async () => {
  await tb?.broker.close();
  tb = undefined;
});

let moved = 0;
const overLink = (o: DialOptions = {}): DialOptions => ({ ...o, pair: () => LinkEnd.pair(() => moved++) });
const TLS12 = { maxVersion: 'TLSv1.2' } as const;
const TLS13 = { minVersion: 'TLSv1.3' } as const;

describe('in-memory link', () => {
  it('is available in a plain node process', () => {
    expect(memoryLinkAvailable).toBe(true);
  });

  it("carries TLS on the end's own handle (no JSStreamSocket) and counts every write", async () => {
    tb = await startFixtureBroker();
    const before = moved;
    const c = await dial(tb.broker, overLink({ cert: 'node.crt', tls: TLS12 }));
    expect((c.socket as unknown as { _handle: { _parentWrap: unknown } })._handle._parentWrap).toBeInstanceOf(LinkEnd);
    expect((await c.connectMqtt('sec_mqtt_client_00_03')).returnCode).toBe(0);
    expect(moved - before).toBeGreaterThanOrEqual(6); // two handshake flights each way, CONNECT, CONNACK
    expect(tb.captures.map((r) => r.packet.cmd)).toEqual(['connect', 'connack']);
  });

  it('TLS 1.3: the broker holds its session tickets until the certificate is judged, then sends both', async () => {
    tb = await startFixtureBroker();
    const c = await dial(tb.broker, overLink({ cert: 'node.crt', tls: TLS13 }));
    let tickets = 0;
    c.socket.on('session', () => tickets++);
    expect((await c.connectMqtt('sec_mqtt_client_00_03')).returnCode).toBe(0);
    await settle(20);
    expect(tickets).toBe(2);
  });

  for (const [version, tls, secured] of [
    ['TLS 1.2', TLS12, false],
    ['TLS 1.3', TLS13, true],
  ] as const) {
    it(`${version}: an expired client certificate gets the broker's own alert and nothing after it`, async () => {
      tb = await startFixtureBroker();
      const c = await dial(tb.broker, overLink({ cert: 'node-expired.crt', tls }));
      let tickets = 0;
      c.socket.on('session', () => tickets++);
      await c.whenClosed();
      expect(c.secured).toBe(secured);
      expect((c.tlsError as NodeJS.ErrnoException | null)?.code).toBe('ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED');
      expect(tickets).toBe(0);
      expect(tb.events.find((e) => e.what === 'tls-refused')?.detail).toMatchObject({ code: 'X509_V_ERR_CERT_HAS_EXPIRED', alertSent: true });
      expect(tb.captures).toEqual([]);
    });
  }

  /** Connection 1 ends (FIN), connection 2 is reset; the broker's connection-closed events. */
  async function finAndReset(pair: () => [Duplex, Duplex] = duplexPair): Promise<unknown[]> {
    const t = await startFixtureBroker();
    // The clients' own transport ends, under their TLS sockets.
    const clientEnds: Duplex[] = [];
    const recorded = (): [Duplex, Duplex] => {
      const ends = pair();
      clientEnds.push(ends[1]);
      return ends;
    };
    const a = await dial(t.broker, { cert: 'node.crt', tls: TLS12, pair: recorded });
    await a.connectMqtt('a');
    const b = await dial(t.broker, { cert: 'operator.crt', tls: TLS12, pair: recorded });
    await b.connectMqtt('b');
    clientEnds[0]!.end();
    clientEnds[1]!.destroy();
    await settle(50);
    await t.broker.close();
    return t.events.filter((e) => e.what === 'connection-closed').map((e) => ({ ...e.detail, tNs: 0 }));
  }

  it("a client's FIN closes its connection as over a stream pair; a reset is 'connection lost'", async () => {
    const overLinkEvents = await finAndReset(overLink().pair);
    // A stream pair carries no reset (the world's network adds one): only its FIN compares.
    const [overPairFin] = await finAndReset();
    expect(overPairFin).toMatchObject({ connId: 1, by: 'client' });
    expect(overLinkEvents).toEqual([overPairFin, expect.objectContaining({ connId: 2, by: 'broker', reason: 'connection lost' })]);
  });

  it('the broker stopping closes the client side', async () => {
    tb = await startFixtureBroker();
    const c = await dial(tb.broker, overLink({ cert: 'node.crt', tls: TLS12 }));
    await c.connectMqtt('c');
    await tb.broker.stop();
    await c.whenClosed();
    expect(c.closed).toBe(true);
  });

  it("a reader that stops reading makes the writer wait: the bytes stay in the writer's socket", async () => {
    const [serverEnd, clientEnd] = LinkEnd.pair(() => moved++);
    const server = new TLSSocket(serverEnd, { isServer: true, key: pem('broker.key'), cert: pem('broker.crt') });
    const client = tlsConnect({ socket: clientEnd, ca: pem('ca.crt'), servername: 'broker.local' });
    await new Promise((r) => client.once('secureConnect', r));
    const MB = 1 << 20;
    for (let i = 0; i < 16; i++) client.write(Buffer.alloc(MB, i));
    await settle(100);
    // Nothing reads the server socket: past its buffer the rest waits on the client's side.
    expect(client.writableLength).toBeGreaterThan(12 * MB);
    let got = 0;
    server.on('data', (d: Buffer) => (got += d.length));
    await settle(200);
    expect(got).toBe(16 * MB);
    expect(client.writableLength).toBe(0);
    client.destroy();
    await new Promise((r) => server.once('close', r));
  });
});

const run = (nodeFlags: string[]) =>
  esphil(['run', join(FIXTURES, 'scenarios', 'zone-on-off.yaml'), '--json', '--timeline'], { nodeFlags });

describe('where process.binding would warn (--pending-deprecation)', () => {
  it('the world runs on a stream pair instead, without a warning, and the run is the same', async () => {
    const [link, pair] = await Promise.all([run([]), run(['--pending-deprecation'])]);
    expect(pair.stderr).not.toContain('DEP0111');
    expect(pair.code).toBe(0);
    expect(link.code).toBe(0);
    expect(normalise(pair.stdout)).toBe(normalise(link.stdout));
  }, 60_000);
});
