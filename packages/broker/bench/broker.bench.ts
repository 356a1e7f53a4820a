// Cost of what the emulator pays per node (re)connect and per command:
// a mutual-TLS handshake with the broker's own certificate checks, and
// QoS 0 forwarding through ACL, capture tap and aedes. In-memory pairs, wall time.
import { performance } from 'node:perf_hooks';
import { dial, startFixtureBroker } from '../test/helpers.ts';

const tb = await startFixtureBroker();
let captured = 0;
const broker = tb.broker;

async function connectOnce(i: number): Promise<void> {
  const c = await dial(broker, { cert: 'node.crt' });
  const ack = await c.connectMqtt(`bench-${i}`);
  if (ack.returnCode !== 0) throw new Error(`CONNACK ${ack.returnCode}`);
  c.end();
}

for (let i = 0; i < 3; i++) await connectOnce(i);
const N = 30;
let t0 = performance.now();
for (let i = 0; i < N; i++) await connectOnce(100 + i);
const connectMs = (performance.now() - t0) / N;
console.log(JSON.stringify({ name: 'broker.mutual-tls-connect', value: +connectMs.toFixed(2), unit: 'ms', goal: '<= 50' }));

const node = await dial(broker, { cert: 'node.crt' });
await node.connectMqtt('sec_mqtt_client_00_03');
node.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'irrigation/zone/on', qos: 0 }] });
await node.next('suback');
const op = await dial(broker, { cert: 'operator.crt' });
await op.connectMqtt('operator');
const M = 2000;
const done = new Promise<void>((resolve) => {
  const tick = setInterval(() => {
    if (node.received.length >= M) {
      clearInterval(tick);
      resolve();
    }
  }, 5);
});
t0 = performance.now();
for (let i = 0; i < M; i++) {
  op.send({ cmd: 'publish', topic: 'irrigation/zone/on', payload: Buffer.from(`${i % 8} 60`), qos: 0, retain: false, dup: false });
}
await done;
const rate = M / ((performance.now() - t0) / 1000);
captured = tb.captures.length;
console.log(JSON.stringify({ name: 'broker.qos0-forward-rate', value: Math.round(rate), unit: 'msg/s', goal: '>= 2000' }));
if (captured < 2 * M) throw new Error(`capture tap saw ${captured} packets, expected at least ${2 * M}`);

// A 40 MB PUBLISH (QoS 1) from the client's send to its PUBACK, best of three (the client's
// TLS runs in this process too): framing must stay linear in the packet size.
const BIG_MB = 40;
const big = Buffer.alloc(BIG_MB * 1024 * 1024, 0x61);
let bestMs = Infinity;
for (let i = 0; i < 3; i++) {
  t0 = performance.now();
  op.send({ cmd: 'publish', topic: 'irrigation/log', payload: big, qos: 1, messageId: 9 + i, retain: false, dup: false });
  await op.next('puback', 120_000);
  bestMs = Math.min(bestMs, performance.now() - t0);
}
const mbPerS = BIG_MB / (bestMs / 1000);
console.log(JSON.stringify({ name: 'broker.large_publish_mb_per_s', value: Math.round(mbPerS), unit: 'MB/s', goal: '>= 100' }));
await broker.close();
process.exit(0);
