// esphil ota-avr against esphil serve --ota: a real TLS broker on TCP, the operator certificate,
// the signed update of docs/ota.md, the node's verdict as the exit code.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, PKI } from '../../src/world/defaults.ts';
import { esphil } from './cli.ts';
import { startServe } from './serve-process.ts';

const V2 = join(FIXTURES, 'avr', 'relay-slave-v2.hex');

/** What an operator holds and nothing else, copied from fixtures/pki; `from` puts other fixture files in their place. */
function operatorFolder(from: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'esphil-operator-'));
  for (const f of ['ca.crt', 'operator.crt', 'operator.key', 'ota-signing.key']) copyFileSync(join(PKI, from[f] ?? f), join(dir, f));
  return dir;
}

describe('esphil ota-avr', () => {
  it('updates the node served by esphil serve --ota and prints each status and the verdict', async () => {
    const serve = startServe(['--port', '0', '--ota', '--speed', '10']);
    try {
      const ready = await serve.waitFor((e) => e.event === 'ready', 30_000);
      await serve.waitFor((e) => e.event === 'node' && e.what === 'broker-client-connected', 30_000);
      const broker = `mqtts://127.0.0.1:${ready.port as number}`;
      const r = await esphil(['ota-avr', V2, '--broker', broker, '--pki', operatorFolder(), '--json'], { timeoutMs: 60_000 });
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
    expect(badPki.stderr).toBe(`esphil ota-avr: --pki ${join(FIXTURES, 'avr')}: ${join(FIXTURES, 'avr', 'ca.crt')}: missing (the CA certificate)\n`);
    const notTls = await esphil(['ota-avr', V2, '--broker', 'mqtt://127.0.0.1:1883']);
    expect(notTls.code).toBe(2);
    expect(notTls.stderr).toMatch(/--broker must be mqtts:\/\//);
    for (const r of [missing, badPki, notTls]) expect(r.stderr).not.toMatch(/internal error|at .*\.ts:\d+/);
  }, 60_000);

  it('checks an operator-only folder as every command checks a set: a key of another certificate, a certificate from another CA, a signing key of the wrong kind', async () => {
    const cases: [Record<string, string>, (dir: string) => string][] = [
      [{ 'operator.key': 'node.key' }, (d) => `${join(d, 'operator.key')}: does not match ${join(d, 'operator.crt')} (a key from another set?)`],
      [{ 'operator.crt': 'node-rogue.crt', 'operator.key': 'node-rogue.key' }, (d) => `${join(d, 'operator.crt')}: not signed by ${join(d, 'ca.crt')} (issuer `],
      [{ 'ota-signing.key': 'operator.key' }, (d) => `${join(d, 'ota-signing.key')}: not an ECDSA P-256 key (the OTA signing key is ECDSA P-256; got rsa)`],
    ];
    for (const [from, words] of cases) {
      const dir = operatorFolder(from);
      // The broker is never reached: the folder is refused before anything starts.
      const r = await esphil(['ota-avr', V2, '--pki', dir, '--broker', 'mqtts://127.0.0.1:1']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.startsWith(`esphil ota-avr: --pki ${dir}: ${words(dir)}`), r.stderr).toBe(true);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    }
  }, 60_000);
});
