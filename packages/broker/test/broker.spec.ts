import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import FakeTimers from '@sinonjs/fake-timers';
import mqtt from 'mqtt-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { createBroker, loadMosquittoConf, type Broker, type BrokerEvent, type CaptureRecord } from '../src/index.ts';
import { PKI, TestClient, dial, pem, settle, startFixtureBroker, type TestBroker } from './helpers.ts';

let tb: TestBroker | undefined;
afterEach(async () => {
  await tb?.broker.close();
  tb = undefined;
});

describe('capture tap', () => {
  it('records every packet both ways with time, ids, endpoints and exact bytes', async () => {
    tb = await startFixtureBroker('2026-06-01T06:00:00Z');
    const c = await dial(tb.broker, { cert: 'node.crt' });
    await c.connectMqtt('sec_mqtt_client_00_03');
    tb.clock.set('2026-06-01T06:00:01Z');
    c.send({ cmd: 'subscribe', messageId: 5, subscriptions: [{ topic: 'irrigation/zone/on', qos: 0 }] });
    await c.next('suback');
    const r = tb.captures;
    expect(r.map((x) => [x.dir, x.packet.cmd])).toEqual([
      ['to-broker', 'connect'],
      ['from-broker', 'connack'],
      ['to-broker', 'subscribe'],
      ['from-broker', 'suback'],
    ]);
    for (const x of r) {
      expect(x).toMatchObject({
        connId: 1,
        clientId: 'sec_mqtt_client_00_03',
        identity: 'sec_mqtt_client_00_03',
        remote: { address: '10.0.0.2', port: 50000 },
        local: { address: '10.0.0.1', port: 8883 },
      });
      // the raw bytes are the wire bytes and decode to the recorded packet
      expect(mqtt.generate(x.packet)).toEqual(x.raw);
    }
    expect(r[0]!.tNs).toBe(BigInt(Date.parse('2026-06-01T06:00:00Z')) * 1_000_000n);
    expect(r[2]!.tNs).toBe(BigInt(Date.parse('2026-06-01T06:00:01Z')) * 1_000_000n);
    expect(r[2]!.raw).toEqual(Buffer.from([0x82, 0x17, 0x00, 0x05, 0x00, 0x12, ...Buffer.from('irrigation/zone/on'), 0x00]));
  });

  it('reports connect and disconnect with the certificate identity', async () => {
    tb = await startFixtureBroker();
    const c = await dial(tb.broker, { cert: 'operator.crt' });
    await c.connectMqtt('console-7', { username: 'somebody-else' });
    c.send({ cmd: 'disconnect' });
    await c.whenClosed();
    await settle(20);
    const ev = tb.events.filter((e) => e.what.startsWith('client-'));
    expect(ev).toEqual([
      { what: 'client-connected', detail: { connId: 1, clientId: 'console-7', identity: 'operator', username: 'operator' } },
      { what: 'client-disconnected', detail: expect.objectContaining({ connId: 1, clientId: 'console-7', identity: 'operator' }) },
    ]);
  });

  it('brackets every connection with connection-opened and connection-closed (who closed first)', async () => {
    tb = await startFixtureBroker('2026-06-01T08:00:00Z');
    const c = await dial(tb.broker, { cert: 'node.crt' });
    await c.connectMqtt('sec_mqtt_client_00_03');
    tb.clock.set('2026-06-01T08:00:05Z');
    c.end();
    await settle(30);
    const refused = await dial(tb.broker, { cert: 'node-revoked.crt' });
    await refused.whenClosed();
    await settle(20);
    const t0 = BigInt(Date.parse('2026-06-01T08:00:00Z')) * 1_000_000n;
    const t5 = BigInt(Date.parse('2026-06-01T08:00:05Z')) * 1_000_000n;
    expect(tb.events.filter((e) => e.what.startsWith('connection-')).map((e) => [e.what, e.detail.connId, e.detail.tNs, e.detail.by])).toEqual([
      ['connection-opened', 1, t0, undefined],
      ['connection-closed', 1, t5, 'client'],
      ['connection-opened', 2, t5, undefined],
      ['connection-closed', 2, t5, 'broker'],
    ]);
    expect(tb.events[1]).toMatchObject({ detail: { remote: { address: '10.0.0.2', port: 50000 }, local: { address: '10.0.0.1', port: 8883 } } });
  });

  it('a transport error closes that connection only', async () => {
    tb = await startFixtureBroker();
    const { PassThrough, Duplex } = await import('node:stream');
    const inbound = new PassThrough();
    const transport = Duplex.from({ readable: inbound, writable: new PassThrough() });
    tb.broker.acceptStream(transport);
    transport.emit('error', new Error('link down'));
    await settle(20);
    expect(tb.events.find((e) => e.what === 'connection-closed')?.detail.reason).toBe('transport error: link down');
    const c = await dial(tb.broker, { cert: 'node.crt' });
    expect((await c.connectMqtt('sec_mqtt_client_00_03')).returnCode).toBe(0);
  });

  it('an MQTT 5 client is refused with CONNACK return code 1 (aedes 1.x speaks 3.1 and 3.1.1)', async () => {
    tb = await startFixtureBroker();
    const c = await dial(tb.broker, { cert: 'node.crt' });
    c.send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 5, clean: true, clientId: 'v5', keepalive: 15, properties: { sessionExpiryInterval: 10 } });
    expect(await c.next('connack')).toMatchObject({ returnCode: 1 });
    await c.whenClosed();
    expect(tb.captures.map((r) => [r.dir, r.packet.cmd])).toEqual([['to-broker', 'connect'], ['from-broker', 'connack']]);
    expect(tb.events.filter((e) => e.what === 'protocol-error')).toEqual([]);
  });

  it('a malformed packet closes the connection with a protocol-error event', async () => {
    tb = await startFixtureBroker();
    const c = await dial(tb.broker, { cert: 'node.crt' });
    await c.connectMqtt('sec_mqtt_client_00_03');
    c.socket.write(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]));
    await c.whenClosed();
    const e = tb.events.find((x) => x.what === 'protocol-error');
    expect(e?.detail.reason).toMatch(/malformed Remaining Length at stream offset \d+/);
  });
});

describe('lifecycle', () => {
  it('restart drops clients and forgets sessions, like a restarted mosquitto without persistence', async () => {
    tb = await startFixtureBroker();
    const first = tb.broker.aedes;
    const c = await dial(tb.broker, { cert: 'node.crt' });
    expect((await c.connectMqtt('sec_mqtt_client_00_03', { clean: false })).sessionPresent).toBe(false);
    c.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'irrigation/zone/on', qos: 1 }] });
    await c.next('suback');
    c.send({ cmd: 'disconnect' });
    await c.whenClosed();

    const again = await dial(tb.broker, { cert: 'node.crt' });
    expect((await again.connectMqtt('sec_mqtt_client_00_03', { clean: false })).sessionPresent).toBe(true);
    await tb.broker.restart();
    await again.whenClosed();
    expect(tb.broker.running).toBe(true);
    expect(tb.broker.aedes).not.toBe(first);
    const after = await dial(tb.broker, { cert: 'node.crt' });
    expect((await after.connectMqtt('sec_mqtt_client_00_03', { clean: false })).sessionPresent).toBe(false);
    expect(tb.events.map((e) => e.what)).toEqual(expect.arrayContaining(['broker-stopped', 'broker-started']));
  });

  it('a stopped broker drops new connections; start() serves again', async () => {
    tb = await startFixtureBroker();
    await tb.broker.stop();
    expect(tb.broker.running).toBe(false);
    expect(() => tb!.broker.aedes).toThrow('broker is stopped');
    const c = await dial(tb.broker, { cert: 'node.crt' });
    await c.whenClosed();
    expect(tb.events.at(-1)).toMatchObject({ what: 'tls-refused', detail: { code: 'BROKER_STOPPED' } });
    await tb.broker.start();
    const d = await dial(tb.broker, { cert: 'node.crt' });
    expect((await d.connectMqtt('sec_mqtt_client_00_03')).returnCode).toBe(0);
  });

  it('serves TCP on an ephemeral port and keeps the port across restart', async () => {
    tb = await startFixtureBroker();
    const { port, host } = await tb.broker.listen({ port: 0 });
    expect(host).toBe('127.0.0.1');
    const open = async (): Promise<TestClient> => {
      const s = tlsConnect({ host, port, ca: pem('ca.crt'), cert: pem('node.crt'), key: pem('node.key'), servername: 'localhost' });
      await new Promise((r) => s.once('secureConnect', r));
      return new TestClient(s);
    };
    const a = await open();
    expect((await a.connectMqtt('sec_mqtt_client_00_03')).returnCode).toBe(0);
    expect(tb.captures[0]!.remote.address).toBe('127.0.0.1');
    expect(tb.captures[0]!.local.port).toBe(port);
    await tb.broker.stop();
    await a.whenClosed();
    await expect(new Promise((resolve, reject) => netConnect(port, host).once('connect', resolve).once('error', reject))).rejects.toThrow(/ECONNREFUSED/);
    await tb.broker.start();
    const b = await open();
    expect((await b.connectMqtt('sec_mqtt_client_00_03')).returnCode).toBe(0);
    b.end();
  });
});

describe('policy', () => {
  function confDir(conf: string, acl?: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'esphil-broker-'));
    writeFileSync(join(dir, 'b.conf'), `cafile ${PKI}/ca.crt\ncertfile ${PKI}/broker.crt\nkeyfile ${PKI}/broker.key\n${conf}`);
    if (acl) writeFileSync(join(dir, 'acl'), acl);
    return dir;
  }

  async function brokerFrom(dir: string): Promise<{ broker: Broker; events: BrokerEvent[]; captures: CaptureRecord[] }> {
    const events: BrokerEvent[] = [];
    const captures: CaptureRecord[] = [];
    const broker = await createBroker({
      config: loadMosquittoConf(join(dir, 'b.conf')),
      onEvent: (e) => events.push(e),
      onCapture: (c) => captures.push(c),
    });
    tb = { broker, events, captures, clock: undefined as never };
    return { broker, events, captures };
  }

  it('messages are delivered only where the subscriber may read', async () => {
    const dir = confDir('use_identity_as_username true\nacl_file acl\n', 'user operator\ntopic readwrite #\nuser sec_mqtt_client_00_03\ntopic read a/#\ntopic deny a/secret\n');
    const { broker } = await brokerFrom(dir);
    const node = await dial(broker, { cert: 'node.crt' });
    await node.connectMqtt('n');
    // the filter a/# is covered by "topic read a/#" and granted, but a/secret is denied on delivery
    node.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/#', qos: 0 }] });
    expect(((await node.next('suback')) as { granted: number[] }).granted).toEqual([0]);
    const op = await dial(broker, { cert: 'operator.crt' });
    await op.connectMqtt('o');
    for (const topic of ['a/secret', 'a/open']) {
      op.send({ cmd: 'publish', topic, payload: Buffer.from(topic), qos: 1, messageId: 1, retain: false, dup: false });
      await op.next('puback');
    }
    expect(((await node.next('publish')) as { topic: string }).topic).toBe('a/open');
    await settle(20);
    expect(node.received.filter((p) => p.cmd === 'publish')).toEqual([]);
  });

  it('without use_identity_as_username the CONNECT user name is used; anonymous is refused by default', async () => {
    const dir = confDir('require_certificate true\nacl_file acl\n', 'user alice\ntopic readwrite alice/#\n');
    const { broker, events } = await brokerFrom(dir);
    const anon = await dial(broker, { cert: 'node.crt' });
    expect((await anon.connectMqtt('x')).returnCode).toBe(5);
    await anon.whenClosed();
    expect(events.find((e) => e.what === 'connect-refused')?.detail.reason).toMatch(/allow_anonymous false/);
    const alice = await dial(broker, { cert: 'node.crt' });
    expect((await alice.connectMqtt('y', { username: 'alice' })).returnCode).toBe(0);
    alice.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'alice/in', qos: 0 }, { topic: 'bob/in', qos: 0 }] });
    expect(((await alice.next('suback')) as { granted: number[] }).granted).toEqual([0, 0x80]);
  });

  it('require_certificate false admits a client without certificate but still refuses a bad one', async () => {
    const dir = confDir('allow_anonymous true\n');
    const { broker, events } = await brokerFrom(dir);
    const plain = await dial(broker, {});
    expect((await plain.connectMqtt('anon')).returnCode).toBe(0);
    const rogue = await dial(broker, { cert: 'node-rogue.crt' });
    await rogue.whenClosed();
    expect(events.find((e) => e.what === 'tls-refused')?.detail.code).toBe('X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
  });
});

describe('virtual time (the emulator fakes timers before creating the broker)', () => {
  it('aedes keepalive runs on the fake clock and certificates are judged at the broker clock', async () => {
    const fake = FakeTimers.install({
      now: Date.parse('2026-06-01T00:00:00Z'),
      toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'hrtime'],
    });
    const realTurn = (): Promise<void> => new Promise((r) => setImmediate(r));
    try {
      const events: BrokerEvent[] = [];
      const broker = await createBroker({
        config: loadMosquittoConf(join(PKI, 'mosquitto.conf')),
        clock: { nowNs: () => BigInt(Date.now()) * 1_000_000n, utcMs: () => Date.now() },
        onEvent: (e) => events.push(e),
      });
      tb = { broker, events, captures: [], clock: undefined as never };
      const c = await dial(broker, { cert: 'node.crt' });
      c.send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'sec_mqtt_client_00_03', keepalive: 15 });
      for (let i = 0; i < 200 && !events.some((e) => e.what === 'client-connected'); i++) await realTurn();
      expect(events.some((e) => e.what === 'client-connected')).toBe(true);
      // MQTT 3.1.1 §3.1.2.10: the server disconnects after 1.5 x keepalive without a packet.
      await fake.tickAsync(22_000);
      for (let i = 0; i < 20; i++) await realTurn();
      expect(c.closed).toBe(false);
      await fake.tickAsync(1_000);
      for (let i = 0; i < 200 && !c.closed; i++) await realTurn();
      expect(c.closed).toBe(true);
      expect(events.find((e) => e.what === 'client-disconnected')).toBeDefined();

      // ten years later in virtual time node.crt has expired for the broker
      fake.setSystemTime(Date.parse('2036-06-01T00:00:00Z'));
      const late = await dial(broker, { cert: 'node.crt' });
      if (!late.closed) late.send({ cmd: 'pingreq' });
      for (let i = 0; i < 200 && !late.closed; i++) await realTurn();
      expect(events.filter((e) => e.what === 'tls-refused').at(-1)).toMatchObject({ detail: { code: 'X509_V_ERR_CERT_HAS_EXPIRED' } });
      await broker.close();
      tb = undefined;
    } finally {
      fake.uninstall();
    }
  });
});
