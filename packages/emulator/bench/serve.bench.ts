// esphil serve under load from outside clients over TCP and mutual TLS:
// connection rate, a QoS 1 burst, and resident memory after a publish flood.
// The flood is ESPHIL_FLOOD_MB megabytes (default 1024) of 1 MB PUBLISHes, half
// to a topic the ACL denies the operator, half to one it allows; the figure is
// how far serve's RSS ends above where it started (ESPHIL_FLOOD_MB=10240 for the
// full 10 GB).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connect } from 'node:tls';
import { TestClient } from '../../broker/test/helpers.ts';
import { PKI, REPO_ROOT } from '../src/world/defaults.ts';
import { realNow } from '../src/world/clock.ts';

const MAIN = join(REPO_ROOT, 'packages', 'emulator', 'src', 'cli', 'main.ts');
const FLOOD_MB = Number(process.env.ESPHIL_FLOOD_MB ?? 1024);
const CONNECTS = 200;
const CONNECT_PARALLEL = 20;
const BURST = 5000;

function report(name: string, value: number, unit: string, goal: string): void {
  console.log(JSON.stringify({ name, value: Math.round(value * 100) / 100, unit, goal }));
}

const serve = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--port', '0', '--json', '--speed', '10'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
const rssMb = (): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${serve.pid}/status`, 'utf8'))![1]) / 1024;
const events: Record<string, unknown>[] = [];
const waiters: (() => void)[] = [];
createInterface({ input: serve.stdout }).on('line', (l) => {
  events.push(JSON.parse(l));
  for (const w of waiters.splice(0)) w();
});
async function until(pred: (e: Record<string, unknown>) => boolean, what: string, ms = 120_000): Promise<Record<string, unknown>> {
  const t0 = realNow();
  for (;;) {
    const hit = events.find(pred);
    if (hit) return hit;
    if (realNow() - t0 > ms) throw new Error(`serve: no ${what} within ${ms} ms`);
    await new Promise<void>((r) => {
      waiters.push(r);
      setTimeout(r, 200);
    });
  }
}

let port = 0;
async function operator(id: string): Promise<TestClient> {
  const socket = connect({ host: '127.0.0.1', port, ca: readFileSync(join(PKI, 'ca.crt')), cert: readFileSync(join(PKI, 'operator.crt')), key: readFileSync(join(PKI, 'operator.key')), servername: 'broker.local' });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  const c = new TestClient(socket);
  const ack = await c.connectMqtt(id);
  if (ack.returnCode !== 0) throw new Error(`CONNACK ${ack.returnCode}`);
  return c;
}

/** Sends a packet and waits for the socket to take more (TCP backpressure). */
async function sendPaced(c: TestClient, p: Parameters<TestClient['send']>[0]): Promise<void> {
  c.send(p);
  if (c.socket.writableNeedDrain) await new Promise((r) => c.socket.once('drain', r));
}

try {
  port = (await until((e) => e.event === 'ready', 'ready line')).port as number;
  await until((e) => e.what === 'broker-client-connected' && e.clientId === 'sec_mqtt_client_00_03', 'node connection');

  // Connects per second: full mutual-TLS handshakes plus CONNECT/CONNACK, CONNECT_PARALLEL at a time.
  let t0 = realNow();
  for (let i = 0; i < CONNECTS; i += CONNECT_PARALLEL) {
    const batch = await Promise.all(Array.from({ length: CONNECT_PARALLEL }, (_, j) => operator(`bench-${i + j}`)));
    for (const c of batch) c.end();
  }
  report('serve.mtls_connects_per_s', CONNECTS / ((realNow() - t0) / 1000), 'conn/s', '>= 100');

  // A burst of QoS 1 commands on one connection, until the last PUBACK.
  const burst = await operator('burst');
  t0 = realNow();
  for (let i = 1; i <= BURST; i++) await sendPaced(burst, { cmd: 'publish', topic: 'irrigation/zone/status', payload: Buffer.from(String(i)), qos: 1, messageId: i, retain: false, dup: false });
  for (let got = 0; got < BURST; got++) await burst.next('puback', 60_000);
  report('serve.burst_qos1_msgs_per_s', BURST / ((realNow() - t0) / 1000), 'msg/s', '>= 1000');
  burst.end();

  // The flood, on four connections at once.
  await new Promise((r) => setTimeout(r, 2000));
  const before = rssMb();
  // The peak is what the broker holds while reading: bounded by backpressure, not by the flood's size.
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 50);
  const mb = Buffer.alloc(1 << 20, 0x61);
  const flooders = await Promise.all([0, 1, 2, 3].map((i) => operator(`flood-${i}`)));
  await Promise.all(
    flooders.map(async (c, i) => {
      for (let n = i; n < FLOOD_MB; n += flooders.length) {
        await sendPaced(c, { cmd: 'publish', topic: n % 2 ? 'irrigation/log' : 'irrigation/zone/log', payload: mb, qos: 0, retain: false, dup: false });
      }
      await sendPaced(c, { cmd: 'publish', topic: 'irrigation/zone/log', payload: Buffer.from('end'), qos: 1, messageId: 1, retain: false, dup: false });
      await c.next('puback', 600_000);
      c.end();
    }),
  );
  clearInterval(sampler);
  report('serve.rss_peak_flood_mb', peak - before, 'MiB', `info: highest RSS above the start while flooded with ${FLOOD_MB} MB`);
  // Once the clients are quiet for a second, serve collects the flood's garbage and trims glibc's heap
  // (cli/idle-gc.ts, its "gc" event): give it ten idle seconds.
  await new Promise((r) => setTimeout(r, 10_000));
  const after = rssMb();
  report('serve.rss_after_flood_mb', after - before, 'MiB', `<= 50 above the start (${Math.round(before)} MiB) after ${FLOOD_MB} MB`);
} finally {
  serve.kill('SIGTERM');
  await new Promise((r) => serve.once('close', r));
}
process.exit(0);
