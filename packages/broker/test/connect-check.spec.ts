// CONNECTs mosquitto 2.0 refuses with CONNACK 2 before authenticating.
import { afterEach, describe, expect, it } from 'vitest';
import { loadMosquittoConf } from '../src/index.ts';
import { PKI, dial, startFixtureBroker, type TestBroker } from './helpers.ts';

let tb: TestBroker | undefined;
afterEach(async () => {
  await tb?.broker.close();
  tb = undefined;
});

describe('CONNECT checks (mosquitto handle_connect.c)', () => {
  it('an empty client id with clean session 0 gets CONNACK 2 and is closed', async () => {
    tb = await startFixtureBroker();
    const c = await dial(tb.broker, { cert: 'operator.crt' });
    // mqtt-packet refuses to write this CONNECT, so it is written by hand: MQTT 3.1.1, flags 0 (clean session 0), keepalive 15, client id "".
    c.socket.write(Buffer.from([0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x00, 0x00, 0x0f, 0x00, 0x00]));
    expect(await c.next('connack')).toMatchObject({ returnCode: 2 });
    await c.whenClosed();
    expect(tb.events.find((e) => e.what === 'connect-refused')?.detail).toMatchObject({ returnCode: 2, reason: 'empty client id with clean session 0' });
    const ok = await dial(tb.broker, { cert: 'operator.crt' });
    expect(await ok.connectMqtt('', { clean: true })).toMatchObject({ returnCode: 0 });
  });

  it('max_keepalive: a 3.1.1 client asking for more, or for none, gets CONNACK 2', async () => {
    const config = { ...loadMosquittoConf(`${PKI}/mosquitto.conf`), maxKeepalive: 60 };
    tb = await startFixtureBroker(undefined, { config });
    for (const keepalive of [61, 0]) {
      const c = await dial(tb.broker, { cert: 'operator.crt' });
      expect(await c.connectMqtt(`k${keepalive}`, { keepalive }), String(keepalive)).toMatchObject({ returnCode: 2 });
      await c.whenClosed();
    }
    const ok = await dial(tb.broker, { cert: 'operator.crt' });
    expect(await ok.connectMqtt('k60', { keepalive: 60 })).toMatchObject({ returnCode: 0 });
  });
});

describe('topic strings (mosquitto closes the connection, lib/utf8_mosq.c)', () => {
  const publishRaw = (topic: Buffer): Buffer => Buffer.concat([Buffer.from([0x30, 2 + topic.length + 1, 0, topic.length]), topic, Buffer.from('x')]);
  it.each([
    ['a NUL', Buffer.from('irrigation/zone\0/on'), 'PUBLISH topic contains U+0000'],
    ['invalid UTF-8', Buffer.from([0x69, 0xc3, 0x28]), 'PUBLISH topic is not valid UTF-8'],
    ['a control character', Buffer.from('irrigation/\x01'), 'PUBLISH topic contains the control character U+0001'],
  ])('a PUBLISH topic with %s closes the connection', async (_what, topic, reason) => {
    tb = await startFixtureBroker();
    const c = await dial(tb.broker, { cert: 'operator.crt' });
    expect(await c.connectMqtt('op')).toMatchObject({ returnCode: 0 });
    c.socket.write(publishRaw(topic));
    await c.whenClosed();
    expect(tb.events.find((e) => e.what === 'protocol-error')?.detail.reason).toBe(reason);
    expect(tb.captures.filter((r) => r.packet.cmd === 'publish')).toEqual([]);
  });

  it('a SUBSCRIBE filter with invalid UTF-8 closes the connection; valid UTF-8 topics pass', async () => {
    tb = await startFixtureBroker();
    const c = await dial(tb.broker, { cert: 'operator.crt' });
    await c.connectMqtt('op');
    c.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'irrigation/zoné/#', qos: 0 }] });
    expect(await c.next('suback')).toMatchObject({ granted: [0] });
    c.socket.write(Buffer.from([0x82, 7, 0, 2, 0, 2, 0xed, 0xa0, 0]));
    await c.whenClosed();
    expect(tb.events.find((e) => e.what === 'protocol-error')?.detail.reason).toBe('SUBSCRIBE topic is not valid UTF-8');
  });
});
