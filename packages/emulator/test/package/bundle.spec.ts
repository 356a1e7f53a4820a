// The one-file CLI behind bin/esphil.js (scripts/bundle-cli.mjs) and its V8
// code cache (scripts/cli-code-cache.mjs): it prints what the sources print,
// finds each module's data files where the separate modules would, carries
// avr8js's files as their own text, and V8 takes the cache a build made.
// vitest's global setup has rebuilt dist/.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { FIXTURES, REPO_ROOT } from '../../src/world/defaults.ts';
import { BUILT as BIN, esphil } from '../cli/cli.ts';

const PKG = join(REPO_ROOT, 'packages', 'emulator');
const BUNDLE_LOADER = join(PKG, 'bin', 'cli-bundle.js');
const built = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
/** Wall-clock figures are the only output allowed to differ between two runs. */
const withoutWall = (s: string) => s.replace(/"wallMs":[\d.]+/g, '"wallMs":0').replace(/"wall":"\d+"/g, '"wall":"0"');

describe('the bundled CLI', () => {
  it('prints byte for byte what the sources print for a scenario run', async () => {
    const args = ['run', join(FIXTURES, 'scenarios', 'zone-on-off.yaml'), '--json', '--timeline'];
    const fromBundle = built(args);
    const fromSources = await esphil(args);
    expect(fromBundle.stderr).toBe(fromSources.stderr);
    expect(fromBundle.status).toBe(0);
    expect(fromSources.code).toBe(0);
    expect(withoutWall(fromBundle.stdout)).toBe(withoutWall(fromSources.stdout));
    expect(fromBundle.stdout).toContain('"event":"step"');
  }, 180_000);

  it('runs from the compiled code cache, carries avr8js as its own text and rewrote every import.meta', () => {
    const probe = `
      import { createRequire } from 'node:module';
      const { loadBundle } = await import(${JSON.stringify(BUNDLE_LOADER)});
      const { exports, script } = loadBundle();
      const code = await exports.main(['run', ${JSON.stringify(join(FIXTURES, 'scenarios', 'zone-on-off.yaml'))}, '--json']);
      const require = createRequire(import.meta.url);
      console.log(JSON.stringify({ code, rejected: script.cachedDataRejected, cli: typeof exports.cli, avr8js: Object.keys(require.cache).filter((f) => f.includes('avr8js')) }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `${probe}; process.exit(0);`], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    const seen = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { code: number; rejected: boolean; cli: string; avr8js: string[] };
    expect(seen.code).toBe(0);
    expect(seen.rejected).toBe(false);
    expect(seen.cli).toBe('function');
    // Nothing read from node_modules: avr8js runs from the bundle (scripts/verbatim-cjs.mjs).
    expect(seen.avr8js).toEqual([]);
    const bundle = readFileSync(join(PKG, 'dist', 'cli', 'esphil.cjs'), 'utf8');
    expect(bundle).not.toContain('import.meta');
    // esbuild's stand-in when it meets an import.meta it cannot keep in CommonJS: none met.
    expect(bundle).not.toMatch(/\bimport_meta\b/);
    // avr8js's decoder stays avr8js's own text, comments and all (the AVR core reads it).
    const avr8js = dirname(createRequire(join(REPO_ROOT, 'packages', 'avr-slave', 'package.json')).resolve('avr8js'));
    expect(bundle).toContain(readFileSync(join(avr8js, 'cpu', 'instruction.js'), 'utf8'));
    // bin/cli-bundle.js reads it as Latin-1, which is its text only while every character is ASCII.
    expect(/[^\x00-\x7f]/.exec(bundle)).toBeNull();
  });

  it('names its code cache by the hash of its own text, so a cache made for other text is never used', async () => {
    const { codeCachePath } = (await import(BUNDLE_LOADER)) as { codeCachePath(source: string): string | undefined };
    const bundle = readFileSync(join(PKG, 'dist', 'cli', 'esphil.cjs'), 'utf8');
    const [first, ...rest] = bundle.split('\n');
    expect(first).toBe(`// esphil CLI bundle ${createHash('sha256').update(rest.join('\n')).digest('hex').slice(0, 16)}`);
    expect(existsSync(codeCachePath(bundle)!)).toBe(true);
    const edited = `${first!.replace(/[0-9a-f]$/, (d) => (d === '0' ? '1' : '0'))}\n${rest.join('\n')}`;
    expect(codeCachePath(edited)).not.toBe(codeCachePath(bundle));
    expect(codeCachePath(rest.join('\n'))).toBeUndefined();
  });

  it('run --jobs 2 starts its worker threads from the same bundle and code cache', () => {
    const r = built(['run', '--jobs', '2', join(FIXTURES, 'scenarios', 'zone-on-off.yaml'), join(FIXTURES, 'scenarios', 'avr-reset.yaml')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('2 scenarios: 2 passed, 0 failed');
  }, 120_000);

  it('--version reads the package.json beside its module', () => {
    const r = built(['--version']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`esphil ${JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8')).version}\n`);
  });

  it('esphil view serves the page files from dist/view, where its module lives', async () => {
    const trace = join(mkdtempSync(join(tmpdir(), 'esphil-bundle-')), 'zone.jsonl');
    expect(built(['run', join(FIXTURES, 'scenarios', 'zone-on-off.yaml'), '--trace', trace]).status).toBe(0);
    const p = spawn(process.execPath, [BIN, 'view', trace, '--port', '0'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: p.stdout }).on('line', (l) => {
          const m = / at (http:\/\/\S+)/.exec(l);
          if (m) resolve(m[1]!);
        });
        p.once('exit', (code) => reject(new Error(`esphil view exited ${code} before serving`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>esphil view</title>');
      for (const [path, file] of [['/style.css', 'web/style.css'], ['/app.js', 'assets/app.js']] as const) {
        const res = await fetch(new URL(path, url));
        expect(res.status, path).toBe(200);
        expect(await res.text(), path).toBe(readFileSync(join(PKG, 'dist', 'view', file), 'utf8'));
      }
    } finally {
      p.kill('SIGKILL');
    }
  }, 60_000);
});
