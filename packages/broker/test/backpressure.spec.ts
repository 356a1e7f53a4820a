import mqtt from 'mqtt-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { dial, publishPacket as publish, settle, startFixtureBroker, type TestBroker } from './helpers.ts';

let tb: TestBroker | undefined;
afterEach(async () => {
  await tb?.broker.close();
  tb = undefined;
});

const MB = 1 << 20;

/** Holds every PUBLISH aedes is about to authorize until released. */
function stallPublishes(t: TestBroker): { held: number; release(): void } {
  const aedes = t.broker.aedes;
  const authorize = aedes.authorizePublish.bind(aedes);
  let stalled = true;
  const waiting: (() => void)[] = [];
  aedes.authorizePublish = (client, packet, done) => {
    const go = (): void => authorize(client, packet, done);
    if (stalled) waiting.push(go);
    else go();
  };
  return {
    get held() {
      return waiting.length;
    },
    release() {
      stalled = false;
      for (const go of waiting.splice(0)) go();
    },
  };
}

describe('backpressure (a client is read no faster than aedes takes its packets)', () => {
  it('while aedes is busy with one PUBLISH, the broker reads only about one more from that client; the rest waits on the client side', async () => {
    tb = await startFixtureBroker();
    const watcher = await dial(tb.broker, { cert: 'operator.crt' });
    await watcher.connectMqtt('watcher');
    watcher.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'irrigation/zone/log', qos: 0 }] });
    await watcher.next('suback');
    const flooder = await dial(tb.broker, { cert: 'operator.crt' });
    await flooder.connectMqtt('flooder');
    const stall = stallPublishes(tb);
    const COUNT = 20;
    for (let i = 0; i < COUNT; i++) flooder.send(publish('irrigation/zone/log', Buffer.alloc(MB, i)));
    flooder.send(publish('irrigation/zone/log', Buffer.from('end'), 1, 7));
    while (stall.held === 0) await settle(20);
    await settle(300);
    const taken = tb.captures.filter((r) => r.dir === 'to-broker' && r.packet.cmd === 'publish').length;
    // One held by aedes, one waiting in the stream to aedes, one being framed at most.
    expect(taken).toBeLessThanOrEqual(3);
    expect(flooder.socket.writableLength).toBeGreaterThan((COUNT - 4) * MB);
    stall.release();
    expect(await flooder.next('puback', 20_000)).toMatchObject({ messageId: 7 });
    const got: number[] = [];
    for (let i = 0; i <= COUNT; i++) {
      const p = (await watcher.next('publish', 20_000)) as mqtt.IPublishPacket;
      got.push(p.payload.length === MB ? (p.payload as Buffer)[0]! : -1);
    }
    expect(got).toEqual([...Array.from({ length: COUNT }, (_, i) => i), -1]);
  });

  it('a bad packet right behind CONNECT, in the same TLS record, closes the connection only after the CONNACK (mosquitto handles packets in turn)', async () => {
    tb = await startFixtureBroker();
    const c = await dial(tb.broker, { cert: 'operator.crt' });
    const connect = mqtt.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'in-turn', keepalive: 15 });
    const badTopic = mqtt.generate(publish('irrigation/zone\0/on', Buffer.from('2 60'), 1, 5));
    c.socket.write(Buffer.concat([connect, badTopic]));
    await c.whenClosed();
    expect(c.received.map((p) => p.cmd)).toEqual(['connack']);
    expect(tb.events.find((e) => e.what === 'protocol-error')?.detail.reason).toMatch(/^PUBLISH topic /);
  });
});
