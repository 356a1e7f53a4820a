// bin/esphil.js run as a program: its first line is /bin/sh, which starts Node
// with V8's helper pool sized to the cores less the simulation's own and with no
// root certificates to parse. `node bin/esphil.js` reads the same line as a
// JavaScript string and a comment.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT as BIN } from '../cli/cli.ts';

/** A folder of stand-ins on PATH: `node` prints what it was given, `nproc` prints `cores`. */
function standIns(cores: string | null): string {
  const dir = mkdtempSync(join(tmpdir(), 'esphil-launcher-'));
  writeFileSync(join(dir, 'node'), '#!/bin/sh\nprintf "%s\\n" "$@"\necho "NODE_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS-unset} SSL_CERT_FILE=${SSL_CERT_FILE-unset}"\n', { mode: 0o755 });
  writeFileSync(join(dir, 'nproc'), cores === null ? '#!/bin/sh\nexit 1\n' : `#!/bin/sh\necho ${cores}\n`, { mode: 0o755 });
  writeFileSync(join(dir, 'getconf'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
  return dir;
}

function launch(cores: string | null, args: string[], env: Record<string, string> = {}): string[] {
  const dir = standIns(cores);
  const r = spawnSync(BIN, args, { encoding: 'utf8', env: { ...process.env, PATH: `${dir}:/usr/bin:/bin`, NODE_EXTRA_CA_CERTS: '/etc/hosts', ...env } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.trimEnd().split('\n');
}

describe('the esphil launcher line', () => {
  it.each([
    ['1', 1],
    ['2', 1],
    ['3', 2],
    ['5', 4],
    ['64', 4],
    [null, 1], // no core count to be had: taken as 2
  ])('with %s cores starts node with --v8-pool-size=%i, no root certificates, this file and the arguments as given', (cores, pool) => {
    const seen = launch(cores, ['run', 'a b.yaml', '--timeline']);
    expect(seen).toEqual([`--v8-pool-size=${pool}`, '--use-openssl-ca', BIN, 'run', 'a b.yaml', '--timeline', 'NODE_EXTRA_CA_CERTS=unset SSL_CERT_FILE=/dev/null']);
  });

  it('leaves out --use-openssl-ca when NODE_OPTIONS asks for the bundled roots, which Node would refuse beside it', () => {
    const seen = launch('2', ['--version'], { NODE_OPTIONS: '--max-old-space-size=512 --use-bundled-ca' });
    expect(seen).toEqual(['--v8-pool-size=1', BIN, '--version', 'NODE_EXTRA_CA_CERTS=unset SSL_CERT_FILE=/dev/null']);
    const real = spawnSync(BIN, ['--version'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '--use-bundled-ca' } });
    expect(real.stderr).toBe('');
    expect(real.status).toBe(0);
  });

  it('is a JavaScript string and a comment to node, which runs the same command', () => {
    const first = readFileSync(BIN, 'utf8').split('\n').slice(0, 2);
    expect(first[0]).toBe('#!/bin/sh');
    expect(first[1]).toMatch(/^':' \/\/; /);
    const direct = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    const launched = spawnSync(BIN, ['--version'], { encoding: 'utf8' });
    expect(direct.status).toBe(0);
    expect(launched.status).toBe(0);
    expect(launched.stdout).toBe(direct.stdout);
  });

  it('really starts Node without NODE_EXTRA_CA_CERTS: a missing file named there draws no warning', () => {
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: join(tmpdir(), 'esphil-no-such-ca-bundle.pem') };
    // Node itself warns at start-up that it could not load the file...
    const direct = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8', env });
    expect(direct.stderr).toContain('Ignoring extra certs');
    // ...the command never has Node read it.
    const launched = spawnSync(BIN, ['--version'], { encoding: 'utf8', env });
    expect(launched.stderr).toBe('');
    expect(launched.status).toBe(0);
  });
});
