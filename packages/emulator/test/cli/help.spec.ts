// The command line's own surface: --version, help, --help of every command,
// unknown commands and flags, and one-line errors for what users get wrong.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { esphil } from './cli.ts';
import { REPO_ROOT } from '../../src/world/defaults.ts';
import { command as run } from '../../src/cli/run.ts';
import { command as serve } from '../../src/cli/serve.ts';
import { command as step } from '../../src/cli/step.ts';
import { command as replay } from '../../src/cli/replay.ts';
import { command as certs } from '../../src/cli/certs.ts';
import { command as otaAvr } from '../../src/cli/ota-avr.ts';

const noStack = (stderr: string) => {
  expect(stderr).not.toMatch(/internal error|\n\s+at /);
  expect(stderr.trim().split('\n')).toHaveLength(1);
};

describe('esphil command line', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/emulator/package.json'), 'utf8'));
    const r = await esphil(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: `esphil ${version}\n` });
  }, 60_000);

  it('help lists every command; help <command> and <command> --help list every flag', async () => {
    const top = await esphil(['help']);
    expect(top.code).toBe(0);
    for (const c of [run, serve, step, replay, certs, otaAvr]) {
      expect(top.stdout).toContain(c.summary);
      const h = await esphil(['help', c.name]);
      expect(h.code).toBe(0);
      expect((await esphil([c.name, '--help'])).stdout).toBe(h.stdout);
      for (const flag of Object.keys(c.flags)) expect(h.stdout).toMatch(new RegExp(`--${flag}\\b`));
    }
  }, 120_000);

  it('unknown commands and flags get one line with a suggestion, exit 2', async () => {
    const c = await esphil(['sreve']);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/unknown command "sreve" \(did you mean serve\?\)/);
    noStack(c.stderr);
    const f = await esphil(['serve', '--prot', '1']);
    expect(f.code).toBe(2);
    expect(f.stderr).toBe('esphil serve: unknown flag --prot (did you mean --port?); see esphil help serve\n');
  }, 60_000);

  it('user mistakes print one line without a stack: a missing step file, certs into an existing set, binary junk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esphil-help-'));
    const s = await esphil(['step', join(dir, 'missing.yaml')]);
    expect(s.code).toBe(2);
    noStack(s.stderr);
    expect((await esphil(['certs', dir])).code).toBe(0);
    const again = await esphil(['certs', dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds .*; refusing to overwrite/);
    noStack(again.stderr);
    const junk = join(dir, 'junk.jsonl');
    writeFileSync(junk, Buffer.from([0x1b, 0x5b, 0x32, 0x4a, 0x00, 0xff, 0xfe, 0x0a]));
    const j = await esphil(['step', junk]);
    expect(j.code).toBe(2);
    expect(j.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\ufffd]/);
  }, 120_000);
});
