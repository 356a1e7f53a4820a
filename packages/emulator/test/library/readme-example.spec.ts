// The library example in packages/emulator/README.md runs as shown and prints
// the output shown under it (virtual time: the same every run;
// ESPHIL_UPDATE_DOCS=1 writes a changed output into the README).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { taggedBlock, updateBlock } from '../../../../test/markdown.ts';
import { REPO_ROOT } from '../../src/world/defaults.ts';

const README = join(REPO_ROOT, 'packages', 'emulator', 'README.md');

/** Runs the README's example from a fresh file; `@esphil/emulator` resolves to the sources (tsconfig paths). */
export function runReadmeExample(): { status: number | null; stdout: string; stderr: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'esphil-lib-')), 'example.mts');
  writeFileSync(file, taggedBlock(README, 'ts', 'example').body);
  return spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
}

describe('the library example of the README', () => {
  it('runs and prints what the README shows', () => {
    const r = runReadmeExample();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const shown = taggedBlock(README, 'text', 'example-output');
    if (!updateBlock(shown, r.stdout)) expect(r.stdout.trimEnd()).toBe(shown.body.trimEnd());
  }, 180_000);
});
