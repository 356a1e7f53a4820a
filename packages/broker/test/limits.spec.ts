import { duplexPair } from 'node:stream';
import mqtt from 'mqtt-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { CONNECT_TIMEOUT_MS } from '../src/index.ts';
import { dial, publishPacket, settle, startFixtureBroker, type TestBroker } from './helpers.ts';

let tb: TestBroker | undefined;
afterEach(async () => {
  await tb?.broker.close();
  tb = undefined;
});

const publish = (topic: string, bytes: number, qos: 0 | 1, messageId?: number) => publishPacket(topic, Buffer.alloc(bytes, 0x61), qos, messageId);

describe('limits (mosquitto.conf max_packet_size, message_size_limit, max_connections)', () => {
  it('max_packet_size: a larger packet closes the connection from its header, before its body arrives', async () => {
    tb = await startFixtureBroker(undefined, { limits: { maxPacketSize: 1000 } });
    const c = await dial(tb.broker, { cert: 'operator.crt' });
    await c.connectMqtt('console');
    const wire = mqtt.generate(publish('irrigation/zone/on', 5000, 0));
    c.socket.write(wire.subarray(0, 40)); // header and topic only
    await c.whenClosed();
    const e = tb.events.find((x) => x.what === 'protocol-error');
    expect(e?.detail.reason).toMatch(/^packet of 50\d\d bytes at stream offset \d+ exceeds max_packet_size 1000$/);
    expect(tb.captures.filter((r) => r.packet.cmd === 'publish')).toEqual([]);
  });

  it('message_size_limit: an oversized PUBLISH is acknowledged and dropped; the session goes on', async () => {
    tb = await startFixtureBroker(undefined, { limits: { messageSizeLimit: 100 } });
    const node = await dial(tb.broker, { cert: 'node.crt' });
    await node.connectMqtt('sec_mqtt_client_00_03');
    node.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'irrigation/zone/on', qos: 0 }] });
    await node.next('suback');
    const op = await dial(tb.broker, { cert: 'operator.crt' });
    await op.connectMqtt('console');
    op.send(publish('irrigation/zone/on', 101, 1, 7));
    expect(await op.next('puback')).toMatchObject({ messageId: 7 });
    op.send(publish('irrigation/zone/on', 100, 1, 8));
    expect(await op.next('puback')).toMatchObject({ messageId: 8 });
    const got = (await node.next('publish')) as mqtt.IPublishPacket;
    expect(got.payload.length).toBe(100);
    await settle(20);
    expect(node.received.filter((p) => p.cmd === 'publish')).toEqual([]);
    expect(tb.events.filter((e) => e.what === 'publish-too-large').map((e) => e.detail)).toEqual([
      { connId: 2, clientId: 'console', topic: 'irrigation/zone/on', qos: 1, messageId: 7, payloadBytes: 101, offset: expect.any(Number) },
    ]);
  });

  it('max_connections: a connection beyond the limit is closed at once; a freed slot serves again', async () => {
    tb = await startFixtureBroker(undefined, { limits: { maxConnections: 1 } });
    const first = await dial(tb.broker, { cert: 'node.crt' });
    await first.connectMqtt('sec_mqtt_client_00_03');
    const second = await dial(tb.broker, { cert: 'operator.crt' });
    await second.whenClosed();
    expect(second.secured).toBe(false);
    expect(tb.events.find((e) => e.what === 'tls-refused')?.detail).toMatchObject({ code: 'MAX_CONNECTIONS', reason: 'max_connections 1 exceeded' });
    first.end();
    await first.whenClosed();
    await settle(20);
    const third = await dial(tb.broker, { cert: 'operator.crt' });
    expect((await third.connectMqtt('console')).returnCode).toBe(0);
  });

  it('a connection that never sends a ClientHello, or never a CONNECT, is closed at the deadline', async () => {
    expect(CONNECT_TIMEOUT_MS).toBe(90_000);
    tb = await startFixtureBroker(undefined, { limits: { connectTimeoutMs: 150 } });
    const [server, silent] = duplexPair();
    let ended = false;
    silent.on('data', () => undefined);
    silent.on('end', () => (ended = true));
    tb.broker.acceptStream(server);
    const tlsOnly = await dial(tb.broker, { cert: 'node.crt' });
    expect(tlsOnly.secured).toBe(true);
    const prompt = await dial(tb.broker, { cert: 'operator.crt' });
    await prompt.connectMqtt('console');
    await settle(300);
    expect(ended).toBe(true);
    expect(tlsOnly.closed).toBe(true);
    expect(prompt.closed).toBe(false);
    const reasons = tb.events.filter((e) => e.what === 'connection-closed').map((e) => [e.detail.connId, e.detail.reason]);
    expect(reasons).toEqual([
      [1, 'no CONNECT within 0.15 s'],
      [2, 'no CONNECT within 0.15 s'],
    ]);
  });

  it('a client in the middle of a 20 MB upload does not hold up another client', async () => {
    tb = await startFixtureBroker();
    const node = await dial(tb.broker, { cert: 'node.crt' });
    await node.connectMqtt('sec_mqtt_client_00_03');
    node.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'irrigation/zone/on', qos: 0 }] });
    await node.next('suback');
    const uploader = await dial(tb.broker, { cert: 'operator.crt' });
    await uploader.connectMqtt('uploader');
    const wire = mqtt.generate(publish('irrigation/log', 20 * 1024 * 1024, 1, 3));
    uploader.socket.write(wire.subarray(0, wire.length >> 1));
    const op = await dial(tb.broker, { cert: 'operator.crt' });
    await op.connectMqtt('console');
    op.send({ cmd: 'publish', topic: 'irrigation/zone/on', payload: Buffer.from('2 60'), qos: 0, retain: false, dup: false });
    expect(((await node.next('publish')) as mqtt.IPublishPacket).payload.toString()).toBe('2 60');
    expect(uploader.received).toEqual([]);
    uploader.socket.write(wire.subarray(wire.length >> 1));
    expect(await uploader.next('puback', 20_000)).toMatchObject({ messageId: 3 });
  });
});
