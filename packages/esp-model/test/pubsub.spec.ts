import { describe, expect, it } from 'vitest';
import {
  MQTT_CONNECTED,
  MQTT_CONNECTION_LOST,
  MQTT_CONNECTION_TIMEOUT,
  MQTT_CONNECT_FAILED,
  MQTT_CONNECT_UNAUTHORIZED,
  MQTT_DISCONNECTED,
  MQTT_MAX_PACKET_SIZE,
} from '../src/pubsub/constants.ts';
import { PubSubClient, type PubSubEvent } from '../src/pubsub/pubsub-client.ts';
import { CpuHarness } from './helpers/cpu-driver.ts';
import { MemoryTransport } from './helpers/memory-transport.ts';
import type { FakeBrokerOptions } from './helpers/fake-broker.ts';

function setup(opts: FakeBrokerOptions = {}) {
  const h = new CpuHarness();
  const t = new MemoryTransport(h.cpu, opts);
  const ps = new PubSubClient(h.cpu, t).setServer('broker.local', 8883);
  const got: { topic: string; payload: string }[] = [];
  const events: PubSubEvent[] = [];
  ps.setCallback((topic, payload, len) => got.push({ topic, payload: Buffer.from(payload.subarray(0, len)).toString('latin1') }));
  ps.onEvent((e) => events.push(e));
  return { h, t, ps, got, events };
}

/** Run loop() passes until `cond` holds. */
async function loopUntil(h: CpuHarness, ps: PubSubClient, cond: () => boolean, passes = 50) {
  for (let i = 0; i < passes && !cond(); i++) await h.run(ps.loop());
  expect(cond()).toBe(true);
}

describe('PubSubClient 2.8 connect() and state codes', () => {
  it('sends CONNECT (3.1.1, clean, keepalive 15) and reaches MQTT_CONNECTED', async () => {
    const { h, t, ps } = setup();
    expect(await h.run(ps.connect('sec_mqtt_client_00_03'))).toBe(true);
    expect(ps.state()).toBe(MQTT_CONNECTED);
    expect(t.broker!.received[0]).toMatchObject({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      keepalive: 15,
      clientId: 'sec_mqtt_client_00_03',
    });
  });

  it.each([1, 2, 3, 4, 5])('CONNACK return code %i becomes state() and the socket is closed', async (rc) => {
    const { h, t, ps } = setup({ connackCode: rc });
    expect(await h.run(ps.connect('id'))).toBe(false);
    expect(ps.state()).toBe(rc);
    expect(t.connected()).toBe(false);
  });

  it('MQTT_CONNECT_UNAUTHORIZED is 5', () => expect(MQTT_CONNECT_UNAUTHORIZED).toBe(5));

  it('MQTT_CONNECT_FAILED (-2) when the network connect fails', async () => {
    const { h, t, ps } = setup();
    t.refuse = true;
    expect(await h.run(ps.connect('id'))).toBe(false);
    expect(ps.state()).toBe(MQTT_CONNECT_FAILED);
  });

  it('MQTT_CONNECTION_TIMEOUT (-4) after the 15 s socket timeout without CONNACK', async () => {
    const { h, ps } = setup({ silent: true });
    expect(await h.run(ps.connect('id'))).toBe(false);
    expect(ps.state()).toBe(MQTT_CONNECTION_TIMEOUT);
    expect(h.ms).toBe(15_000);
  });

  it('MQTT_CONNECTION_LOST (-3) when the broker closes the socket', async () => {
    const { h, t, ps } = setup();
    await h.run(ps.connect('id'));
    t.peerClose();
    expect(ps.connected()).toBe(false);
    expect(ps.state()).toBe(MQTT_CONNECTION_LOST);
  });

  it('MQTT_DISCONNECTED (-1) after disconnect()', async () => {
    const { h, t, ps } = setup();
    await h.run(ps.connect('id'));
    ps.disconnect();
    expect(ps.state()).toBe(MQTT_DISCONNECTED);
    expect(t.broker!.count('disconnect')).toBe(1);
  });
});

describe('PubSubClient 2.8 loop()', () => {
  it('delivers publishes, numbers SUBSCRIBEs from 2, and PUBACKs QoS 1 after the callback', async () => {
    const { h, t, ps, got } = setup();
    await h.run(ps.connect('id'));
    expect(ps.subscribe('irrigation/zone/on')).toBe(true);
    expect(t.broker!.received[1]).toMatchObject({ cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: 'irrigation/zone/on', qos: 0 }] });
    t.broker!.publish('irrigation/zone/on', '2 120');
    t.broker!.publish('irrigation/zone/on', '3 5', 1, 77);
    await loopUntil(h, ps, () => got.length === 2 && t.broker!.count('puback') === 1);
    expect(got).toEqual([
      { topic: 'irrigation/zone/on', payload: '2 120' },
      { topic: 'irrigation/zone/on', payload: '3 5' },
    ]);
    expect(t.broker!.received.find((p) => p.cmd === 'puback')).toMatchObject({ messageId: 77 });
  });

  it('reads and silently drops an incoming packet larger than the 256-byte buffer', async () => {
    const { h, t, ps, got, events } = setup();
    await h.run(ps.connect('id'));
    t.broker!.publish('irrigation/zone/on', 'x'.repeat(MQTT_MAX_PACKET_SIZE));
    t.broker!.publish('irrigation/zone/on', '1 10');
    await loopUntil(h, ps, () => got.length === 1);
    expect(got[0]!.payload).toBe('1 10');
    expect(events.map((e) => e.kind)).toEqual(['dropped-oversize']);
    expect(ps.state()).toBe(MQTT_CONNECTED);
  });

  it('publish() returns false when the packet would not fit the buffer', async () => {
    const { h, ps } = setup();
    await h.run(ps.connect('id'));
    const topic = 'irrigation/status';
    const fits = MQTT_MAX_PACKET_SIZE - 5 - 2 - topic.length;
    expect(ps.publish(topic, 'x'.repeat(fits))).toBe(true);
    expect(ps.publish(topic, 'x'.repeat(fits + 1))).toBe(false);
  });

  it('pings after 15 s of silence and times out (-4) when no PINGRESP comes', async () => {
    const { h, t, ps } = setup({ noPingResp: true });
    await h.run(ps.connect('id'));
    const wake = ps.nextWakeNs()!;
    expect(wake).toBe(15_001n * 1_000_000n); // t - lastActivity > keepAlive*1000
    h.nowNs = wake;
    expect(await h.run(ps.loop())).toBe(true);
    expect(t.broker!.count('pingreq')).toBe(1);
    h.nowNs = ps.nextWakeNs()!;
    expect(await h.run(ps.loop())).toBe(false);
    expect(ps.state()).toBe(MQTT_CONNECTION_TIMEOUT);
  });

  it('a PINGRESP clears the outstanding ping', async () => {
    const { h, t, ps } = setup();
    await h.run(ps.connect('id'));
    for (let i = 0; i < 3; i++) {
      h.nowNs = ps.nextWakeNs()!;
      await h.run(ps.loop());
      await loopUntil(h, ps, () => t.available() === 0);
    }
    expect(t.broker!.count('pingreq')).toBe(3);
    expect(ps.state()).toBe(MQTT_CONNECTED);
  });

  it('a remaining length longer than 4 bytes ends the connection with MQTT_DISCONNECTED', async () => {
    const { h, t, ps, events } = setup();
    await h.run(ps.connect('id'));
    t.broker!.sendRaw([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]);
    await loopUntil(h, ps, () => events.length > 0);
    expect(ps.state()).toBe(MQTT_DISCONNECTED);
    expect(t.connected()).toBe(false);
  });

  it('a PUBLISH whose topic length overruns the packet ends the connection, not the process', async () => {
    const { h, t, ps, got, events } = setup();
    await h.run(ps.connect('id'));
    t.broker!.sendRaw([0x30, 0x04, 0x00, 0x40, 0x61, 0x62]);
    await loopUntil(h, ps, () => events.length > 0);
    expect(events[0]!.kind).toBe('malformed');
    expect(got).toEqual([]);
    expect(ps.connected()).toBe(false);
  });

  it('a packet cut short blocks loop() for the 15 s socket timeout', async () => {
    const { h, t, ps, events } = setup();
    await h.run(ps.connect('id'));
    t.broker!.sendRaw([0x30, 0x0a, 0x00]);
    const before = h.ms;
    await loopUntil(h, ps, () => events.some((e) => e.kind === 'read-timeout'));
    expect(h.ms - before).toBe(15_000);
  });
});
