// esphil run --jobs N: scenarios in worker threads give, file for file and line
// for line, what one after another in one process gives (wall times aside).
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { MAIN, esphil, normalise, type Exit } from './cli.ts';
import { FIXTURES, REPO_ROOT } from '../../src/world/defaults.ts';
import { loadScenario } from '../../src/scenario/loader.ts';
import { runInWorkers } from '../../src/cli/run-pool.ts';
import { reportTo, type ScenarioFlags } from '../../src/cli/run-scenario.ts';

const SHIPPED = ['avr-reset.yaml', 'millis-wrap.yaml', 'wrong-wifi-psk.yaml', 'zone-on-off.yaml'];


let root: string;
let suite: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'esphil-jobs-'));
  suite = join(root, 'suite');
  mkdirSync(suite);
  for (const f of SHIPPED) copyFileSync(join(FIXTURES, 'scenarios', f), join(suite, f));
  // zone-on-off expecting the wrong zone after its 118 s delay: fails at step 11 of 14.
  writeFileSync(join(suite, 'expects-3.yaml'), readFileSync(join(FIXTURES, 'scenarios', 'zone-on-off.yaml'), 'utf8').replace(/expect-relays: \[2\]/, 'expect-relays: [3]').replace(/^name: .*/m, 'name: zone 2 expected as zone 3'));
});

/** Runs the suite with every recorder into a fresh directory; the exit and every file written, wall times blanked. */
async function runSuite(label: string, jobs: string[]): Promise<{ exit: Exit; files: Map<string, string> }> {
  const out = join(root, label);
  mkdirSync(out);
  const exit = await esphil(['run', suite, ...jobs, '--timeline', '--junit', join(out, 'r.xml'), '--trace', join(out, 't.jsonl'), '--vcd', join(out, 'w.vcd'), '--pcap', join(out, 'm.pcap')], { timeoutMs: 300_000 });
  const files = new Map(readdirSync(out).sort().map((f) => [f, normalise(readFileSync(join(out, f), 'latin1'))]));
  return { exit, files };
}

describe('esphil run --jobs', () => {
  it('--jobs 1, --jobs 2 and the default write the same report and the same files', async () => {
    const serial = await runSuite('serial', ['--jobs', '1']);
    expect(serial.exit.code, serial.exit.stderr).toBe(1);
    expect(serial.exit.stdout).toContain('✗ zone 2 expected as zone 3: failed at step 11 of 14');
    expect(serial.exit.stdout).toContain('5 scenarios: 4 passed, 1 failed');
    // one trace, VCD and pcap per scenario, and the JUnit report
    expect([...serial.files.keys()]).toHaveLength(3 * 5 + 1);
    expect(serial.files.get('r.xml')).toContain('failures="1"');
    for (const [label, jobs] of [['two', ['--jobs', '2']], ['default', []]] as const) {
      const parallel = await runSuite(label, [...jobs]);
      expect(parallel.exit.code, parallel.exit.stderr).toBe(serial.exit.code);
      expect(parallel.exit.stderr).toBe(serial.exit.stderr);
      expect(normalise(parallel.exit.stdout)).toBe(normalise(serial.exit.stdout));
      expect([...parallel.files.keys()]).toEqual([...serial.files.keys()]);
      for (const [f, text] of serial.files) expect(parallel.files.get(f), `${label}: ${f}`).toBe(text);
    }
  }, 600_000);

  it('keeps --grep, --shard and --json as a serial run has them', async () => {
    const args = ['run', suite, '--grep', '^(zone|wrong)', '--shard', '1/2', '--json'];
    const serial = await esphil([...args, '--jobs', '1']);
    const parallel = await esphil([...args, '--jobs', '3']);
    expect(serial.code, serial.stderr).toBe(1);
    const events = serial.stdout.trim().split('\n').map((l) => JSON.parse(l));
    // in path order expects-3, wrong-wifi-psk and zone-on-off match; shard 1 of 2 takes the 1st and the 3rd
    expect(events.filter((e) => e.event === 'scenario-start').map((e) => e.name)).toEqual(['zone 2 expected as zone 3', 'zone 2 on for 120 s']);
    expect(events.at(-1)).toEqual({ event: 'summary', scenarios: 2, passed: 1, failed: 1 });
    expect(parallel.code).toBe(serial.code);
    expect(normalise(parallel.stdout)).toBe(normalise(serial.stdout));
  }, 300_000);

  it('refuses a --jobs that is not a whole number of 1 or more (exit 2, nothing runs)', async () => {
    for (const bad of ['0', 'x', '1.5', '-2']) {
      const r = await esphil(['run', suite, `--jobs=${bad}`]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`esphil run: --jobs ${JSON.stringify(bad)}: ${bad === 'x' ? 'not a number (want a whole number of scenarios at once, 1 or more)' : 'want a whole number of scenarios at once, 1 or more'}\n`);
    }
  }, 120_000);

  it('refuses, before anything runs, two scenarios that would write the same trace file', async () => {
    const twins = join(root, 'twins');
    for (const d of ['a', 'b']) {
      mkdirSync(join(twins, d), { recursive: true });
      copyFileSync(join(suite, 'wrong-wifi-psk.yaml'), join(twins, d, 'psk.yaml'));
    }
    const r = await esphil(['run', twins, '--vcd', join(root, 'twins.vcd')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`esphil run: --vcd: ${join(twins, 'a', 'psk.yaml')} and ${join(twins, 'b', 'psk.yaml')} would both write ${join(root, 'twins.psk.vcd')}; rename one or run them apart\n`);
  }, 120_000);

  it('stops at unusable input found in a worker as a serial run does (exit 2, one line)', async () => {
    const badHex = join(root, 'bad.hex');
    writeFileSync(badHex, ':100000000C9434000C9446000C9446000C944600FF\n:00000001FF\n');
    const serial = await esphil(['run', suite, '--avr-hex', badHex, '--jobs', '1']);
    const parallel = await esphil(['run', suite, '--avr-hex', badHex, '--jobs', '2']);
    expect(serial.code).toBe(2);
    expect(serial.stderr).toMatch(/bad\.hex:1/);
    expect(parallel).toEqual(serial);
    expect(parallel.stderr.split('\n')).toHaveLength(2); // one line, no stack
  }, 120_000);

  it('stops, workers and all, on SIGINT', async () => {
    const p = spawn(process.execPath, ['--import', 'tsx', MAIN, 'run', join(FIXTURES, 'scenarios', 'irrigation-day.yaml'), join(FIXTURES, 'scenarios', 'ota'), '--jobs', '2'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => p.once('close', (code, signal) => resolve({ code, signal })));
    await new Promise((resolve) => p.stdout.once('data', resolve)); // the first scenario is under way
    const sent = Date.now();
    p.kill('SIGINT');
    expect(await closed).toEqual({ code: null, signal: 'SIGINT' });
    expect(Date.now() - sent).toBeLessThan(10_000); // a whole irrigation day is minutes of wall time
  }, 120_000);
});

describe('runInWorkers', () => {
  it('reports a scenario whose worker thread fails as a world error, replaces the thread and goes on', async () => {
    const scenarios = await Promise.all(['wrong-wifi-psk.yaml', 'zone-on-off.yaml', 'millis-wrap.yaml'].map((f) => loadScenario(join(suite, f))));
    // A trace path that is not a string makes the worker throw outside any step: a fault, not a user's error.
    const flags = { json: false, timeline: false, 'gdb-wait': false, view: false, 'view-port': 0, open: false, trace: 42 as unknown as string } satisfies ScenarioFlags;
    let text = '';
    const out = { write: (t: string) => (text += t) };
    const results = await runInWorkers(scenarios, { jobs: 2, flags, pkiDir: undefined, many: true, color: false, out, reporterFor: (o) => reportTo(o, false, false) });
    expect(results.map((r) => [r.name, r.status, r.failure?.index])).toEqual(scenarios.map((s) => [s.name, 'error', 1]));
    expect(results[1]!.steps.map((s) => s.status)).toEqual(['error', ...Array(13).fill('skipped')]);
    expect(results[1]!.failure!.message).toMatch(/^world error: TypeError/);
    // each report in suite order, each with its header, the failed step and where it is
    const heads = [...text.matchAll(/^▶ (.*) \(/gm)].map((m) => m[1]);
    expect(heads).toEqual(scenarios.map((s) => s.name));
    expect(text).toContain(`at ${scenarios[1]!.steps[0]!.at}`); // file:line:column of its first step
    expect(text).toMatch(/✗ zone 2 on for 120 s: world error at step 1 of 14/);
  }, 120_000);
});
