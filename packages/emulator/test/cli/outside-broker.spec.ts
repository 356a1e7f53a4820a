// The emulated node against Debian's mosquitto started with the conf `esphil certs`
// wrote: serve --broker, driven by mosquitto_pub; refusals by the real broker
// (revoked node certificate, a node certificate from another CA) appear as the
// node's BearSSL/PubSubClient codes and in words; an unreachable broker is retried.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCrlFromPem } from '@esphil/broker';
import { MAIN, esphil } from './cli.ts';
import { REPO_ROOT } from '../../src/world/defaults.ts';
import { freePort, needTools, stop } from '../capture/tools.ts';

const tools = needTools('mosquitto', 'mosquitto_pub');

/** mosquitto from the set's folder with the set's own conf; only the listener port (and, as root, the user) differ. */
async function startMosquitto(set: string): Promise<{ port: number; proc: ChildProcess; log: () => string }> {
  const port = await freePort();
  const conf = readFileSync(join(set, 'mosquitto.conf'), 'utf8').replace(/^listener 8883$/m, `listener ${port} 127.0.0.1`);
  // As root mosquitto 2.0 drops to user "mosquitto", which cannot read the 0600 keys.
  writeFileSync(join(set, 'test.conf'), `${conf}${process.getuid?.() === 0 ? 'user root\n' : ''}log_dest stderr\nlog_type all\n`);
  const proc = spawn('mosquitto', ['-c', 'test.conf'], { cwd: set, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stderr!.on('data', (d) => (log += d));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`mosquitto did not start: ${log}`)), 10_000);
    proc.stderr!.on('data', () => /Opening ipv4 listen socket on port/.test(log) && (clearTimeout(t), resolve()));
    proc.once('exit', (c) => reject(new Error(`mosquitto exited ${c}: ${log}`)));
  });
  return { port, proc, log: () => log };
}

/** esphil serve as a child, its --json lines collected. */
function serve(args: string[]) {
  const p = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--json', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (d) => (stderr += d));
  const events: Record<string, unknown>[] = [];
  const lines = createInterface({ input: p.stdout });
  const waiters = new Set<() => void>();
  lines.on('line', (l) => {
    events.push(JSON.parse(l));
    for (const w of [...waiters]) w();
  });
  const waitFor = (pred: (e: Record<string, unknown>) => boolean, ms: number, n = 1) =>
    new Promise<Record<string, unknown>[]>((resolve, reject) => {
      const check = () => {
        const found = events.filter(pred);
        if (found.length >= n) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no matching event in ${ms} ms; stderr: ${stderr}; last: ${JSON.stringify(events.slice(-6))}`));
      }, ms);
      waiters.add(check);
      check();
    });
  const close = async () => {
    p.kill('SIGTERM');
    if (p.exitCode === null) await new Promise((r) => p.once('close', r));
  };
  return { events, waitFor, close };
}

const isNode = (what: string) => (e: Record<string, unknown>) => e.event === 'node' && e.what === what;

describe.skipIf(tools.skip)('the emulated node against a real mosquitto', () => {
  let base: string;
  let set: string;
  let mosquitto: Awaited<ReturnType<typeof startMosquitto>>;
  const started = Date.now();
  beforeAll(async () => {
    tools.assert();
    base = mkdtempSync(join(tmpdir(), 'esphil-outside-'));
    set = join(base, 'site');
    expect((await esphil(['certs', set])).code).toBe(0);
    mosquitto = await startMosquitto(set);
  }, 120_000);
  afterAll(async () => {
    if (mosquitto) await stop(mosquitto.proc);
    console.log(`outside-broker tests: ${((Date.now() - started) / 1000).toFixed(1)} s wall time`);
  });

  it('serve --broker: mosquitto_pub with the operator certificate turns relay 2 on', async () => {
    const s = serve(['--pki', set, '--broker', `mqtts://localhost:${mosquitto.port}`]);
    try {
      const [ready] = await s.waitFor((e) => e.event === 'ready', 30_000);
      expect(ready).toEqual({ event: 'ready', broker: `mqtts://localhost:${mosquitto.port}` });
      await s.waitFor((e) => e.event === 'subscribed', 30_000);
      expect(mosquitto.log()).toMatch(/New client connected from 127\.0\.0\.1:\d+ as sec_mqtt_client_00_03 \(p2, c1, k15, u'sec_mqtt_client_00_03'\)/);
      const pub = spawnSync('mosquitto_pub', ['--cafile', 'ca.crt', '--cert', 'operator.crt', '--key', 'operator.key', '-h', 'localhost', '-p', String(mosquitto.port), '-t', 'irrigation/zone/on', '-m', '2 120'], { cwd: set, encoding: 'utf8', timeout: 20_000 });
      expect(pub.status, pub.stderr).toBe(0);
      const [on] = await s.waitFor((e) => e.event === 'relays' && (e.on as number[]).includes(2), 20_000);
      expect(on!.on).toEqual([2]);
    } finally {
      await s.close();
    }
  }, 120_000);

  it('a revoked node certificate: mosquitto sends certificate_revoked, the node holds BearSSL error 300 and keeps retrying', async () => {
    const revoked = join(base, 'revoked');
    cpSync(set, revoked, { recursive: true });
    const node = new X509Certificate(readFileSync(join(set, 'node.crt')));
    const now = new Date();
    writeFileSync(join(revoked, 'ca.crl'), makeCrlFromPem(readFileSync(join(set, 'ca.crt'), 'utf8'), readFileSync(join(set, 'ca.key'), 'utf8'), {
      thisUpdate: new Date('2026-01-01T00:00:00Z'), nextUpdate: new Date(now.getTime() + 365 * 86_400_000), crlNumber: 2,
      revoked: [{ serialHex: node.serialNumber, revocationDate: new Date('2026-01-02T00:00:00Z') }],
    }));
    const m = await startMosquitto(revoked);
    const s = serve(['--pki', revoked, '--broker', `mqtts://localhost:${m.port}`]);
    try {
      // mosquitto resets the connection right after its alert: the node reads the alert first, every time.
      const failures = await s.waitFor(isNode('esp-mqtt-connect-failed'), 40_000, 2);
      for (const f of failures) expect(f, JSON.stringify(failures)).toMatchObject({ sslError: 300, state: -2 }); // MQTT_CONNECT_FAILED
      const reasons = (await s.waitFor(isNode('broker-refused'), 1000, 2)).map((e) => e.reason);
      expect(reasons).toEqual(Array(2).fill("broker refused the node's certificate: certificate revoked (alert 44; BearSSL error 300)"));
      expect(s.events.some((e) => e.event === 'relays' && (e.on as number[]).length > 0)).toBe(false);
    } finally {
      await s.close();
      await stop(m.proc);
    }
  }, 120_000);

  it('a node certificate from another CA (scenario node: broker:): unknown CA, alert 48, BearSSL error 304', async () => {
    const other = join(base, 'other');
    expect((await esphil(['certs', other])).code).toBe(0);
    const scenario = join(base, 'wrong-ca.yaml');
    writeFileSync(scenario, `name: node certificate from another CA
node:
  pki: site
  broker: {url: "mqtts://localhost:${mosquitto.port}"}
  certs: {cert: other/node.crt, key: other/node.key}
steps:
  - wait-serial: {match: /try again in 5 seconds/, since: boot, timeout: 30s}
  - delay: 6s
`);
    const r = await esphil(['run', scenario, '--timeline', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // Two attempts, each refused with the broker's alert in the node's words.
    expect(r.stdout.match(/"what":"esp-mqtt-connect-failed"/g)).toHaveLength(2);
    expect(r.stdout.match(/"what":"esp-mqtt-connect-failed","state":-2,"sslError":304,/g)).toHaveLength(2);
    expect(r.stdout.match(/"what":"broker-refused"[^\n]*"reason":"broker refused the node's certificate: unknown CA \(alert 48; BearSSL error 304\)"/g)).toHaveLength(2);
  }, 120_000);

  it('an unreachable broker is reported in words and retried every 5 s, as the sketch does', async () => {
    const port = await freePort();
    const s = serve(['--pki', set, '--broker', `mqtts://127.0.0.1:${port}`]);
    try {
      const seen = await s.waitFor(isNode('broker-unreachable'), 40_000, 2);
      expect(seen[0]!.reason).toBe(`nothing listens on 127.0.0.1:${port} (connection refused)`);
      const gap = Number(seen[1]!.t as number) - Number(seen[0]!.t as number);
      expect(gap).toBeGreaterThanOrEqual(5e9);
      expect(gap).toBeLessThan(6e9);
    } finally {
      await s.close();
    }
  }, 120_000);

  it('--broker refuses anything but mqtts:// and --speed other than 1, before anything starts', async () => {
    const a = await esphil(['serve', '--pki', set, '--broker', 'mqtt://localhost:1883']);
    expect(a.code).toBe(2);
    expect(a.stderr).toBe('esphil serve: --broker "mqtt://localhost:1883": the node speaks only TLS, so the URL must be mqtts://HOST:PORT (got mqtt://)\n');
    const b = await esphil(['serve', '--broker', 'mqtts://localhost:8883', '--speed', '10']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/^esphil serve: --speed with --broker: an outside broker runs in real time/);
  }, 60_000);
});
