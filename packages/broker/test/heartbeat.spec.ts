// The $SYS heartbeat in virtual time: subscribers get aedes' one-minute beats on
// aedes' grid; with no subscriber no heartbeat timer is pending at all.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import FakeTimers from '@sinonjs/fake-timers';
import type { IPublishPacket } from 'mqtt-packet';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBroker, loadMosquittoConf, type Broker } from '../src/index.ts';
import { AEDES_HEARTBEAT_INTERVAL_MS, HEARTBEAT_INTERVAL_MS } from '../src/heartbeat.ts';
import { PKI, dial, type TestClient } from './helpers.ts';

const START = Date.parse('2026-06-01T00:00:00Z');
const TOPIC = '$SYS/esphil-broker/heartbeat';
const realTurns = async (n = 50): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

let fake: ReturnType<typeof FakeTimers.install>;
let broker: Broker | undefined;
beforeEach(() => {
  fake = FakeTimers.install({ now: START, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'hrtime'] });
});
afterEach(async () => {
  await broker?.close();
  broker = undefined;
  fake.uninstall();
});

async function start(): Promise<Broker> {
  const dir = mkdtempSync(join(tmpdir(), 'esphil-heartbeat-'));
  writeFileSync(join(dir, 'b.conf'), `cafile ${PKI}/ca.crt\ncertfile ${PKI}/broker.crt\nkeyfile ${PKI}/broker.key\nuse_identity_as_username true\n`);
  broker = await createBroker({ config: loadMosquittoConf(join(dir, 'b.conf')) });
  return broker;
}

/** A client with keepalive 0 (never timed out while minutes pass) subscribed to `filter`. */
let clients = 0;
async function subscriber(b: Broker, filter: string): Promise<TestClient> {
  const c = await dial(b, { cert: 'operator.crt' });
  c.send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: `watcher-${++clients}`, keepalive: 0 });
  await realTurns();
  c.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: filter, qos: 0 }] });
  await realTurns();
  expect(c.received.slice(0, 2).map((p) => p.cmd)).toEqual(['connack', 'suback']); // $SYS/# also hears other $SYS news
  c.received.length = 0;
  return c;
}

/** Advances fake time to `ms` after start in 10 s steps (beats fall on step ends), noting when each heartbeat arrives. */
async function runTo(c: TestClient, ms: number, seen: number[]): Promise<void> {
  while (Date.now() - START < ms) {
    await fake.tickAsync(10_000);
    await realTurns();
    for (const p of c.received.splice(0)) {
      if (p.cmd === 'publish' && (p as IPublishPacket).topic === TOPIC) seen.push(Date.now() - START);
    }
  }
}

describe('$SYS heartbeat', () => {
  it('a subscriber gets a beat every 60 s on the grid from broker start, as aedes sends it', async () => {
    const b = await start();
    await fake.tickAsync(90_000); // nobody listening: no beats at 60 s
    const c = await subscriber(b, '$SYS/+/heartbeat');
    const seen: number[] = [];
    await runTo(c, 250_000, seen);
    expect(seen).toEqual([120_000, 180_000, 240_000]);
  });

  it('no heartbeat timer is pending while nobody subscribes; an unsubscribe or a disconnect stops it', async () => {
    const b = await start();
    // aedes' own heartbeat and will sweep, far out: nothing else.
    expect(fake.countTimers()).toBe(2);
    const c = await subscriber(b, '$SYS/#');
    expect(fake.countTimers()).toBe(3);
    c.send({ cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['$SYS/#'] });
    await realTurns();
    expect(fake.countTimers()).toBe(2);
    const d = await subscriber(b, '$SYS/esphil-broker/heartbeat');
    expect(fake.countTimers()).toBe(3);
    d.end();
    await realTurns();
    expect(fake.countTimers()).toBe(2);
    // A filter beginning with a wildcard never matches a $ topic [MQTT-4.7.2-1]: no timer for it.
    await subscriber(b, '#');
    expect(fake.countTimers()).toBe(2);
  });

  it("aedes' own interval stays on the one-minute grid and its will sweep fits in a timer", () => {
    expect(AEDES_HEARTBEAT_INTERVAL_MS % HEARTBEAT_INTERVAL_MS).toBe(0);
    expect(AEDES_HEARTBEAT_INTERVAL_MS * 4).toBeLessThanOrEqual(2 ** 31 - 1);
  });
});
