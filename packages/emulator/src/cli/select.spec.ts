import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutputPaths, parseShard, scenarioFiles, selectScenarios } from './select.ts';

describe('scenario selection', () => {
  const dir = mkdtempSync(join(tmpdir(), 'esphil-select-'));
  for (const f of ['b.yaml', 'a.yml', 'notes.txt', 'sub/c.yaml', 'sub/deeper/d.yaml']) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), 'name: x\n');
  }

  it('expands directories recursively and globs, in path order, each file once', () => {
    expect(scenarioFiles([dir])).toEqual(['a.yml', 'b.yaml', 'sub/c.yaml', 'sub/deeper/d.yaml'].map((f) => join(dir, f)));
    expect(scenarioFiles([`${dir}/*.yaml`])).toEqual([join(dir, 'b.yaml')]);
    expect(scenarioFiles([`${dir}/**/*.yaml`])).toEqual(['b.yaml', 'sub/c.yaml', 'sub/deeper/d.yaml'].map((f) => join(dir, f)));
    expect(scenarioFiles([join(dir, 'b.yaml'), dir])).toEqual(['b.yaml', 'a.yml', 'sub/c.yaml', 'sub/deeper/d.yaml'].map((f) => join(dir, f)));
    expect(scenarioFiles(['missing.yaml'])).toEqual(['missing.yaml']); // the loader names it
    expect(() => scenarioFiles([`${dir}/*.json`])).toThrow(/no file matches/);
    expect(() => scenarioFiles([join(dir, 'sub', 'deeper', '..', '..', 'sub', 'deeper', 'none')])).not.toThrow();
  });

  it('filters by name and shards round-robin so the shards partition the suite', () => {
    const suite = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'].map((name) => ({ name }));
    expect(selectScenarios(suite, { grep: 'a$' }).map((s) => s.name)).toEqual(['alpha', 'beta', 'gamma', 'delta']);
    const shards = [1, 2, 3].map((index) => selectScenarios(suite, { shard: { index, count: 3 } }).map((s) => s.name));
    expect(shards).toEqual([['alpha', 'delta'], ['beta', 'epsilon'], ['gamma']]);
    expect(shards.flat().sort()).toEqual(suite.map((s) => s.name).sort());
    expect(() => selectScenarios(suite, { grep: '(' })).toThrow(/--grep "\(":/);
  });

  it('reads --shard I/N', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', '2', 'a/b']) expect(() => parseShard(bad)).toThrow(/want I\/N with 1 <= I <= N/);
  });

  it('refuses output paths that cannot be written before anything runs', () => {
    expect(() => checkOutputPaths('run', { junit: join(dir, 'r.xml'), trace: undefined })).not.toThrow();
    expect(() => checkOutputPaths('run', { junit: join(dir, 'nope', 'r.xml') })).toThrow(`esphil run: --junit ${join(dir, 'nope', 'r.xml')}: directory ${join(dir, 'nope')} does not exist`);
    expect(() => checkOutputPaths('run', { trace: join(dir, 'sub') })).toThrow(/is a directory/);
    expect(() => checkOutputPaths('run', { vcd: join(dir, 'b.yaml', 'w.vcd') })).toThrow(/is not a directory/);
  });
});
