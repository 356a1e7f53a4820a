import mqtt from 'mqtt-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../src/index.ts';
import { dial, publishPacket, settle, startFixtureBroker, type TestBroker } from './helpers.ts';

let tb: TestBroker | undefined;
afterEach(async () => {
  await tb?.broker.close();
  tb = undefined;
});

const KB64 = 64 * 1024;
const publish = (payload: Buffer, qos: 0 | 1 = 0, messageId?: number) => publishPacket('irrigation/zone/log', payload, qos, messageId);

describe('a subscriber that stops reading (mosquitto max_queued_messages / max_queued_bytes)', () => {
  it('mosquitto defaults: at most 1000 packets wait for one client, no byte limit', () => {
    expect(DEFAULT_LIMITS).toMatchObject({ maxQueuedMessages: 1000, maxQueuedBytes: 0 });
  });

  it('QoS 0 PUBLISHes beyond the limit are dropped for that client only; the publisher goes on at full speed and the rest get everything', async () => {
    tb = await startFixtureBroker(undefined, { limits: { maxQueuedMessages: 4 } });
    const subscribe = async (id: string) => {
      const c = await dial(tb!.broker, { cert: 'operator.crt' });
      await c.connectMqtt(id);
      c.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'irrigation/zone/log', qos: 0 }] });
      await c.next('suback');
      return c;
    };
    const stalled = await subscribe('stalled');
    const reader = await subscribe('reader');
    stalled.socket.pause(); // reads nothing more: the broker's writes to it stop completing
    const publisher = await dial(tb.broker, { cert: 'operator.crt' });
    await publisher.connectMqtt('publisher');
    const COUNT = 40;
    for (let i = 0; i < COUNT; i++) publisher.send(publish(Buffer.alloc(KB64, i)));
    publisher.send(publish(Buffer.from('end'), 1, 9));
    expect(await publisher.next('puback', 20_000)).toMatchObject({ messageId: 9 });
    const marks: number[] = [];
    for (let i = 0; i < COUNT; i++) marks.push(((await reader.next('publish', 20_000)) as mqtt.IPublishPacket).payload[0] as number);
    expect(marks).toEqual(Array.from({ length: COUNT }, (_, i) => i));

    const sentTo = (id: string) => tb!.captures.filter((r) => r.dir === 'from-broker' && r.clientId === id && r.packet.cmd === 'publish');
    const stalledGot = sentTo('stalled').length;
    // Four waiting, plus the few the transport took before it filled up.
    expect(stalledGot).toBeGreaterThanOrEqual(4);
    expect(stalledGot).toBeLessThan(12);
    const drops = tb.events.filter((e) => e.what === 'outgoing-dropped');
    expect(drops).toHaveLength(1); // one notice per run of drops, as mosquitto logs it
    expect(drops[0]!.detail).toMatchObject({ clientId: 'stalled', queuedPackets: 4 });

    // Once it reads again it gets what was queued for it, in order, and nothing dropped.
    stalled.socket.resume();
    await settle(300);
    const got = stalled.received.filter((p) => p.cmd === 'publish').map((p) => (p as mqtt.IPublishPacket).payload[0]);
    expect(got).toEqual(sentTo('stalled').map((r) => ((r.packet as mqtt.IPublishPacket).payload as Buffer)[0]));
    expect(got.slice(0, 4)).toEqual([0, 1, 2, 3]);
  });

  it('max_queued_bytes counts the bytes waiting instead', async () => {
    tb = await startFixtureBroker(undefined, { limits: { maxQueuedMessages: 0, maxQueuedBytes: 3 * KB64 } });
    const stalled = await dial(tb.broker, { cert: 'operator.crt' });
    await stalled.connectMqtt('stalled');
    stalled.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'irrigation/zone/log', qos: 0 }] });
    await stalled.next('suback');
    stalled.socket.pause();
    const publisher = await dial(tb.broker, { cert: 'operator.crt' });
    await publisher.connectMqtt('publisher');
    for (let i = 0; i < 40; i++) publisher.send(publish(Buffer.alloc(KB64, i)));
    publisher.send(publish(Buffer.from('end'), 1, 9));
    expect(await publisher.next('puback', 20_000)).toMatchObject({ messageId: 9 });
    const sent = tb.captures.filter((r) => r.dir === 'from-broker' && r.clientId === 'stalled' && r.packet.cmd === 'publish').length;
    expect(sent).toBeGreaterThanOrEqual(3);
    expect(sent).toBeLessThan(12);
    expect(tb.events.find((e) => e.what === 'outgoing-dropped')?.detail).toMatchObject({ clientId: 'stalled', queuedPackets: 3 });
  });
});
