// esphil run: exit codes 0/1/2, reports and recordings.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { esphil } from './cli.ts';
import { FIXTURES } from '../../src/world/defaults.ts';

const zoneOnOff = join(FIXTURES, 'scenarios', 'zone-on-off.yaml');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'esphil-run-'));
});

describe('esphil run', () => {
  it('passes a shipped scenario and writes JUnit, trace, VCD and pcap (exit 0)', async () => {
    const files = { junit: join(dir, 'r.xml'), trace: join(dir, 't.jsonl'), vcd: join(dir, 'w.vcd'), pcap: join(dir, 'm.pcap') };
    const r = await esphil(['run', zoneOnOff, '--junit', files.junit, '--trace', files.trace, '--vcd', files.vcd, '--pcap', files.pcap]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓/);
    const junit = readFileSync(files.junit, 'utf8');
    expect(junit).toMatch(/<testsuites?[^>]*failures="0"/);
    const trace = readFileSync(files.trace, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(trace.some((e) => e.kind === 'spi')).toBe(true);
    expect(trace.some((e) => e.kind === 'relays' && e.on.length === 1 && e.on[0] === 2)).toBe(true);
    const steps = trace.filter((e) => e.kind === 'step');
    expect(steps.length).toBeGreaterThan(0);
    for (const e of steps) expect(e.scenario).toBe('zone 2 on for 120 s'); // the name in zone-on-off.yaml
    expect(readFileSync(files.vcd, 'utf8')).toContain('$enddefinitions');
    expect(readFileSync(files.pcap).readUInt32LE(0)).not.toBe(0);
  }, 180_000);

  it('prints JSON lines with --json', async () => {
    const r = await esphil(['run', zoneOnOff, '--json']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ event: 'scenario-start', file: zoneOnOff, name: 'zone 2 on for 120 s', t: '0' });
    const steps = lines.filter((l) => l.event === 'step');
    expect(steps.map((l) => [l.index, l.keyword, l.status])).toEqual(
      ['wait-serial', 'delay', 'expect-relays', 'publish', 'wait-relays', 'expect-spi', 'expect-pin', 'expect-pin', 'wait-serial', 'delay', 'expect-relays', 'wait-relays', 'expect-spi', 'expect-pin'].map((k, i) => [i + 1, k, 'pass']),
    );
    // Step times are virtual ns as decimal strings, each step starting where the one before ended.
    for (const [i, l] of steps.entries()) {
      expect(l.at).toMatch(/:\d+:5$/);
      expect(l.at.startsWith(`${zoneOnOff}:`)).toBe(true);
      expect(BigInt(l.end)).toBeGreaterThanOrEqual(BigInt(l.start));
      if (i > 0) expect(l.start).toBe(steps[i - 1].end);
    }
    expect(BigInt(steps[9].end) - BigInt(steps[9].start)).toBe(118_000_000_000n); // delay: 118s
    expect(lines.at(-2)).toMatchObject({ event: 'scenario-end', status: 'pass', counts: { pass: 14, fail: 0, error: 0, skipped: 0 } });
    expect(lines.at(-1)).toEqual({ event: 'summary', scenarios: 1, passed: 1, failed: 0 });
  }, 180_000);

  it('exits 1 when a scenario fails, naming expected, seen and the virtual time', async () => {
    const bad = join(dir, 'expects-3.yaml');
    const text = readFileSync(zoneOnOff, 'utf8').replace(/expect-relays: \[2\]/, 'expect-relays: [3]');
    writeFileSync(bad, text);
    const line = text.split('\n').findIndex((l) => l.includes('expect-relays: [3]')) + 1;
    const r = await esphil(['run', bad]);
    expect(r.code).toBe(1);
    // expected, seen, the virtual time (after the 118 s delay, so minute 2), the step's place, the rest skipped
    expect(r.stdout).toMatch(/✗ expect-relays \[3\]\n\s+expected relays \[3\] energised, saw \[2\] \(t=T\+0:02:0\d\.\d{3}\)\n/);
    expect(r.stdout).toContain(`at ${bad}:${line}:5`);
    expect(r.stdout).toContain('3 steps skipped');
    expect(r.stdout).toMatch(/failed at step 11 of 14/);
  }, 180_000);

  it('exits 2 for unusable input: unknown flag, missing file, bad scenario, bad hex', async () => {
    expect((await esphil(['run', zoneOnOff, '--bogus'])).code).toBe(2);
    const missing = await esphil(['run', join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.yaml/);
    const badYaml = join(dir, 'bad.yaml');
    writeFileSync(badYaml, 'name: x\nsteps:\n  - delay: 5 parsecs\n');
    const b = await esphil(['run', badYaml]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/bad\.yaml:3:\d+/);
    const badHex = join(dir, 'bad.hex');
    writeFileSync(badHex, ':100000000C9434000C9446000C9446000C944600FF\n:00000001FF\n');
    const h = await esphil(['run', zoneOnOff, '--avr-hex', badHex]);
    expect(h.code).toBe(2);
    expect(h.stderr).toMatch(/bad\.hex:1/);
    expect((await esphil([])).code).toBe(2);
    expect((await esphil(['frobnicate'])).code).toBe(2);
  }, 180_000);

  it('esphil certs writes a fresh credential set with private keys 0600', async () => {
    const out = join(dir, 'pki');
    const r = await esphil(['certs', out]);
    expect(r.code).toBe(0);
    for (const f of ['ca.crt', 'broker.crt', 'broker.key', 'node.crt', 'node.key', 'operator.crt', 'operator.key']) expect(existsSync(join(out, f))).toBe(true);
    const { statSync } = await import('node:fs');
    expect(statSync(join(out, 'node.key')).mode & 0o777).toBe(0o600);
  }, 60_000);
});

describe('esphil run over a suite', () => {
  it('runs a directory with --grep and --shard, and checks output paths before running', async () => {
    const scenarios = join(FIXTURES, 'scenarios');
    const shard = await esphil(['run', scenarios, '--grep', '^(zone 2 on|boot, Wi-Fi|wrong Wi-Fi)', '--shard', '2/2', '--json']);
    expect(shard.code, shard.stderr).toBe(0);
    const names = shard.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.event === 'scenario-start').map((e) => e.name);
    expect(names).toEqual(['wrong Wi-Fi password']); // path order: boot-and-connect, wrong-wifi-psk, zone-on-off; shard 2 of 2 takes the 2nd
    const noDir = await esphil(['run', scenarios, '--junit', join(dir, 'missing', 'r.xml')]);
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toMatch(/--junit .*missing\/r\.xml: directory .* does not exist/);
    expect(noDir.stdout).toBe(''); // nothing ran
  }, 180_000);

  it('esphil step exits 1 when its scenario fails', async () => {
    const bad = join(dir, 'step-fails.yaml');
    writeFileSync(bad, 'name: fails\nsteps:\n  - expect-relays: [3]\n');
    const r = await esphil(['step', bad], { input: 'c\nq\n' });
    expect(r.code).toBe(1);
  }, 120_000);
});
