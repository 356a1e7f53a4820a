// The command as users get it: the built JavaScript behind bin/esphil.js,
// through `pnpm exec esphil`, `pnpm esphil` (relative paths from the user's
// directory, signals reaching the real process), and the packed package
// installed into an empty folder. vitest's global setup has rebuilt dist/.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { FIXTURES, REPO_ROOT } from '../../src/world/defaults.ts';

const PACKAGES = ['avr-slave', 'esp-model', 'broker', 'emulator'];
// npm and npx in the empty folder see a user's environment, not this workspace's pnpm settings.
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm|pnpm)_/i.test(k)));
const run = (cmd: string, args: string[], cwd: string, timeout = 240_000) => spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: userEnv });

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

describe('the built esphil command', () => {
  it('pnpm exec esphil runs it', () => {
    const r = run('pnpm', ['exec', 'esphil', '--version'], REPO_ROOT);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('esphil 0.1.0\n');
  }, 60_000);

  it('pnpm esphil takes relative paths from the directory it was typed in', () => {
    const r = run('pnpm', ['-s', 'esphil', 'run', 'scenarios/zone-on-off.yaml'], FIXTURES);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('1 scenario: 1 passed, 0 failed');
  }, 120_000);

  it.each(['SIGTERM', 'SIGINT'] as const)('%s to the pnpm wrapper stops serve and frees its port', async (signal) => {
    const p = spawn('pnpm', ['-s', 'esphil', 'serve', '--port', '0', '--json'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = createInterface({ input: p.stdout });
    const ready = await new Promise<{ port: number }>((resolve, reject) => {
      lines.on('line', (l) => {
        const e = JSON.parse(l);
        if (e.event === 'ready') resolve(e);
      });
      p.once('exit', (code) => reject(new Error(`serve exited ${code} before ready`)));
    });
    expect(await portOpen(ready.port)).toBe(true);
    p.kill(signal);
    const deadline = Date.now() + 20_000;
    while ((await portOpen(ready.port)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await portOpen(ready.port)).toBe(false);
    p.kill('SIGKILL');
  }, 120_000);

  it('pnpm pack of the packages installs into an empty folder where npx esphil run works and the typed API compiles', () => {
    const tgz = mkdtempSync(join(tmpdir(), 'esphil-pack-'));
    for (const name of PACKAGES) {
      const r = run('pnpm', ['pack', '--pack-destination', tgz], join(REPO_ROOT, 'packages', name));
      expect(r.status, r.stderr).toBe(0);
    }
    const app = mkdtempSync(join(tmpdir(), 'esphil-app-'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    const tarballs = readdirSync(tgz).map((f) => join(tgz, f));
    const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], app, 600_000);
    expect(install.status, install.stderr).toBe(0);

    copyFileSync(join(FIXTURES, 'scenarios', 'zone-on-off.yaml'), join(app, 'zone-on-off.yaml'));
    const r = run('npx', ['esphil', 'run', 'zone-on-off.yaml'], app);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('1 scenario: 1 passed, 0 failed');

    // The declarations describe the API: a typed program compiles against them, a wrong one does not.
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const flags = ['--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--typeRoots', join(REPO_ROOT, 'node_modules', '@types')];
    writeFileSync(join(app, 'ok.ts'), "import { createWorld, parseDuration } from '@esphil/emulator';\nconst w = await createWorld();\nw.onRelays((e) => console.log(e.tNs + 1n, e.on.length));\nawait w.runFor(parseDuration('1s'));\nexport {};\n");
    const ok = run(process.execPath, [tsc, ...flags, 'ok.ts'], app);
    expect(ok.stdout + ok.stderr).toBe('');
    writeFileSync(join(app, 'bad.ts'), "import { createWorld } from '@esphil/emulator';\nconst w = await createWorld();\nw.onRelays((e) => e.tNs.toFixed(2));\nexport {};\n");
    const bad = run(process.execPath, [tsc, ...flags, 'bad.ts'], app);
    expect(bad.stdout).toMatch(/bad\.ts\(3,.*toFixed/);
  }, 900_000);
});
