// The README's "Your own node" walk-through, run exactly as written (bash, from
// the repository root): certs → serve --pki → mosquitto_pub with the new
// operator certificate → relay 2 on.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/world/defaults.ts';
import { freePort, needTools } from '../capture/tools.ts';

const tools = needTools('mosquitto_pub');

/** The first ```sh block after `heading` in README.md. */
export function readmeBlock(heading: string): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const from = readme.indexOf(`\n${heading}\n`);
  if (from < 0) throw new Error(`README.md has no section ${heading}`);
  const m = /```sh\n([\s\S]*?)```/.exec(readme.slice(from));
  if (!m) throw new Error(`README.md section ${heading} has no sh block`);
  return m[1]!;
}

describe.skipIf(tools.skip)('README walk-through: your own node', () => {
  it('certs, serve --pki, mosquitto_pub with the new operator certificate, relay 2 on', async () => {
    tools.assert();
    const script = readmeBlock('## Your own node');
    const made = [join(REPO_ROOT, 'my-pki'), join(REPO_ROOT, 'serve.log')];
    for (const f of made) rmSync(f, { recursive: true, force: true });
    const port = await freePort();
    const started = Date.now();
    try {
      const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const p = spawn('bash', ['-e', '-c', script], { cwd: REPO_ROOT, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
        let out = '';
        p.stdout.on('data', (d) => (out += d));
        p.stderr.on('data', (d) => (out += d));
        // A hung step must not leave serve running: the script and its children form one process group.
        const timer = setTimeout(() => process.kill(-p.pid!, 'SIGKILL'), 150_000);
        p.once('close', (code) => {
          clearTimeout(timer);
          resolve({ code, out });
        });
      });
      const log = existsSync(made[1]!) ? readFileSync(made[1]!, 'utf8') : '';
      expect(r.code, `${r.out}\nserve.log:\n${log}`).toBe(0);
      expect(r.out).toMatch(/^esphil certs: wrote \d+ files to .*my-pki$/m);
      expect(r.out).toMatch(/^\[T\+[\d:.]+\] relays on: 2$/m);
      expect(log).toContain(`broker on 127.0.0.1:${port} (mutual TLS, ${join(REPO_ROOT, 'my-pki')})`);
      expect(log).toMatch(/broker-client-connected .*"identity":"operator"/);
      console.log(`README walk-through: ${((Date.now() - started) / 1000).toFixed(1)} s wall time`);
    } finally {
      for (const f of made) rmSync(f, { recursive: true, force: true });
    }
  }, 180_000);
});
