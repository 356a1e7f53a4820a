// esphil ota-avr against esphil serve --ota: a real TLS broker on TCP, the operator certificate,
// the signed update of docs/ota.md, the node's verdict as the exit code.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../src/world/defaults.ts';
import { esphil } from './cli.ts';
import { startServe } from './serve-process.ts';

const V2 = join(FIXTURES, 'avr', 'relay-slave-v2.hex');

describe('esphil ota-avr', () => {
  it('updates the node served by esphil serve --ota and prints each status and the verdict', async () => {
    const serve = startServe(['--port', '0', '--ota', '--speed', '10']);
    try {
      const ready = await serve.waitFor((e) => e.event === 'ready', 30_000);
      await serve.waitFor((e) => e.event === 'node' && e.what === 'broker-client-connected', 30_000);
      const broker = `mqtts://127.0.0.1:${ready.port as number}`;
      const r = await esphil(['ota-avr', V2, '--broker', broker, '--json'], { timeoutMs: 60_000 });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines[0]).toMatchObject({ event: 'image', bytes: 206 });
      expect(lines.filter((l) => l.event === 'status').map((l) => l.status)).toEqual(['ready 0', 'ack 128', 'ack 206', 'verified', 'programming', 'done relays 00']);
      expect(lines.at(-1)).toEqual({ event: 'verdict', ok: true, verdict: 'done relays 00' });
      await serve.waitFor((e) => e.event === 'node' && e.what === 'ota-status' && e.status === 'done relays 00', 10_000);
    } finally {
      await serve.stop();
    }
  }, 120_000);

  it('exits 2 with a clear message for an unreadable image, a missing key and an unreachable broker', async () => {
    const missing = await esphil(['ota-avr', join(FIXTURES, 'avr', 'no-such.hex')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read AVR image .*no-such\.hex: ENOENT/);
    const badPki = await esphil(['ota-avr', V2, '--pki', join(FIXTURES, 'avr')]);
    expect(badPki.code).toBe(2);
    expect(badPki.stderr).toMatch(/cannot read .*ota-signing\.key: ENOENT/);
    const notTls = await esphil(['ota-avr', V2, '--broker', 'mqtt://127.0.0.1:1883']);
    expect(notTls.code).toBe(2);
    expect(notTls.stderr).toMatch(/--broker must be mqtts:\/\//);
    for (const r of [missing, badPki, notTls]) expect(r.stderr).not.toMatch(/internal error|at .*\.ts:\d+/);
  }, 60_000);
});
