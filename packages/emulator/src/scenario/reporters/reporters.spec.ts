import { describe, expect, it } from 'vitest';
import { parseScenario } from '../loader.ts';
import { allReporters, runScenario, type ScenarioResult } from '../runner.ts';
import { FakeWorld } from '../testing/fake-world.ts';
import { parseXml, type XmlElement } from '../testing/xml.ts';
import { HumanReporter, stamp } from './human.ts';
import { JsonReporter } from './json.ts';
import { junitXml } from './junit.ts';
import { ProgressBar } from './progress.ts';

const S = 1_000_000_000n;

class Sink {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns = 100,
  ) {}
  write(t: string): boolean {
    this.text += t;
    return true;
  }
}

const PASSING = `name: passes
steps:
  - publish: {topic: irrigation/zone/on, payload: "2 120"}
  - name: relay on
    wait-relays: {zones: [2], timeout: 2s}
`;
const FAILING = `name: fails <&"quoted">
steps:
  - delay: 12345ms
  - expect-relays: [3]
  - delay: 1s
  - avr-reset
`;

async function runBoth(...reporters: Parameters<typeof allReporters>): Promise<ScenarioResult[]> {
  const r = allReporters(...reporters);
  const ok = new FakeWorld().relaysAt(S / 2n, [2]);
  const bad = new FakeWorld();
  return [await runScenario(parseScenario(PASSING, 'fixtures/scenarios/passes.yaml'), ok, r), await runScenario(parseScenario(FAILING, 'fixtures/scenarios/fails.yaml'), bad, r)];
}

describe('HumanReporter', () => {
  it('prints stamped step lines, failures with position, and a summary; no colour off a terminal', async () => {
    const out = new Sink();
    const h = new HumanReporter(out, { color: false });
    const results = await runBoth(h);
    h.summary(results);
    expect(out.text).not.toMatch(/\x1b/);
    const lines = out.text.split('\n');
    expect(lines).toContain('[ T+0:00:00.000] ✓ publish irrigation/zone/on "2 120"');
    expect(lines).toContain('[ T+0:00:00.500] ✓ wait-relays [2] within 2s (relay on)');
    expect(lines).toContain('[ T+0:00:12.345] ✗ expect-relays [3]');
    expect(lines).toContain('                   expected relays [3] energised, saw none (t=T+0:00:12.345)');
    expect(lines).toContain('                   at fixtures/scenarios/fails.yaml:4:5');
    expect(lines).toContain('                   2 steps skipped');
    expect(out.text).toMatch(/✓ passes: 2 steps passed \(500ms virtual, [\d.]+ s wall/);
    expect(out.text).toMatch(/✗ fails <&"quoted">: failed at step 2 of 4 \(12s 345ms virtual/);
    expect(lines).toContain('2 scenarios: 1 passed, 1 failed');
    expect(lines).toContain('  ✗ fails <&"quoted"> (fixtures/scenarios/fails.yaml:4:5): step 2 expect-relays [3]');
  });

  it('colours on a terminal unless NO_COLOR', async () => {
    const out = new Sink(true);
    await runBoth(new HumanReporter(out, { color: true }));
    expect(out.text).toContain('\x1b[32m✓\x1b[0m');
    expect(out.text).toContain('\x1b[31m✗\x1b[0m');
  });

  it('stamps pad to a fixed width', () => {
    expect(stamp(12_345_000_000n)).toBe('[ T+0:00:12.345]');
    expect(stamp(86_400n * S)).toBe('[T+24:00:00.000]');
  });
});

describe('JsonReporter', () => {
  it('writes one JSON object per line with ns times as strings', async () => {
    const out = new Sink();
    const j = new JsonReporter(out);
    j.summary(await runBoth(j));
    const events = out.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map((e) => e.event)).toEqual(['scenario-start', 'step', 'step', 'scenario-end', 'scenario-start', 'step', 'step', 'step', 'step', 'scenario-end', 'summary']);
    expect(events[0]).toEqual({ event: 'scenario-start', file: 'fixtures/scenarios/passes.yaml', name: 'passes', t: '0', budget: '2000000000' });
    expect(events[2]).toMatchObject({ event: 'step', index: 2, label: 'relay on', status: 'pass', start: '0', end: '500000000', at: 'fixtures/scenarios/passes.yaml:5:5' });
    expect(events[6]).toMatchObject({ event: 'step', index: 2, status: 'fail', message: 'expected relays [3] energised, saw none (t=T+0:00:12.345)' });
    expect(events[8]).toEqual({ event: 'step', file: 'fixtures/scenarios/fails.yaml', index: 4, keyword: 'avr-reset', step: 'avr-reset', at: 'fixtures/scenarios/fails.yaml:6:5', status: 'skipped', wall: '0' });
    expect(events[9]).toMatchObject({ event: 'scenario-end', status: 'fail', end: '12345000000', counts: { pass: 1, fail: 1, error: 0, skipped: 2 } });
    expect(events[10]).toEqual({ event: 'summary', scenarios: 2, passed: 1, failed: 1 });
  });
});

// Elements, their attributes and allowed children in Jenkins/xunit junit-10.xsd.
const JUNIT_10: Record<string, { attrs: string[]; required: string[]; children: string[] }> = {
  testsuites: { attrs: ['name', 'time', 'tests', 'failures', 'errors'], required: [], children: ['testsuite'] },
  testsuite: {
    attrs: ['name', 'tests', 'failures', 'errors', 'group', 'time', 'skipped', 'timestamp', 'hostname', 'id', 'package', 'file', 'log', 'url'],
    required: ['name', 'tests', 'failures', 'errors'],
    children: ['testsuite', 'properties', 'testcase', 'system-out', 'system-err'],
  },
  properties: { attrs: [], required: [], children: ['property'] },
  property: { attrs: ['name', 'value'], required: ['name', 'value'], children: [] },
  testcase: { attrs: ['name', 'time', 'classname', 'group'], required: ['name'], children: ['skipped', 'error', 'failure', 'system-out', 'system-err'] },
  failure: { attrs: ['type', 'message'], required: [], children: [] },
  error: { attrs: ['type', 'message'], required: [], children: [] },
  skipped: { attrs: ['type', 'message'], required: [], children: [] },
  'system-out': { attrs: [], required: [], children: [] },
};
const SUREFIRE_TIME = /^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$/;

function conformsToJunit10(el: XmlElement): void {
  const rule = JUNIT_10[el.name];
  expect(rule, `<${el.name}> is not in junit-10.xsd`).toBeDefined();
  for (const a of Object.keys(el.attrs)) expect(rule!.attrs, `<${el.name} ${a}>`).toContain(a);
  for (const a of rule!.required) expect(el.attrs, `<${el.name}> needs ${a}`).toHaveProperty(a);
  if (el.attrs.time !== undefined && (el.name === 'testsuite' || el.name === 'testsuites')) expect(el.attrs.time).toMatch(SUREFIRE_TIME);
  for (const c of el.children) {
    expect(rule!.children, `<${c.name}> inside <${el.name}>`).toContain(c.name);
    conformsToJunit10(c);
  }
}

describe('junitXml', () => {
  it('is well-formed, one testsuite per scenario and one testcase per step, with the right counts', async () => {
    const results = await runBoth();
    const xml = junitXml(results, { timestamp: new Date('2026-11-25T12:00:00Z'), hostname: 'ci' });
    const root = parseXml(xml);
    conformsToJunit10(root);
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: '6', failures: '1', errors: '0' });
    const [ok, bad] = root.children;
    expect(ok!.attrs).toMatchObject({ name: 'passes', tests: '2', failures: '0', errors: '0', skipped: '0', timestamp: '2026-11-25T12:00:00', hostname: 'ci', id: '0', package: 'passes', file: 'fixtures/scenarios/passes.yaml' });
    expect(bad!.attrs).toMatchObject({ name: 'fails <&"quoted">', tests: '4', failures: '1', errors: '0', skipped: '2', id: '1' });
    expect(bad!.children[0]!.name).toBe('properties');
    const cases = bad!.children.filter((c) => c.name === 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual(['01 delay 12s 345ms', '02 expect-relays [3]', '03 delay 1s', '04 avr-reset']);
    expect(cases.every((c) => c.attrs.classname === 'fails' && /^\d+\.\d{3}$/.test(c.attrs.time!))).toBe(true);
    const failure = cases[1]!.children.find((c) => c.name === 'failure')!;
    expect(failure.attrs).toEqual({ message: 'expected relays [3] energised, saw none (t=T+0:00:12.345)', type: 'StepFailure' });
    expect(cases[2]!.children.map((c) => c.name)).toEqual(['skipped', 'system-out']);
    expect(cases[0]!.children.find((c) => c.name === 'system-out')!.text).toBe('virtual T+0:00:00.000 .. T+0:00:12.345, fixtures/scenarios/fails.yaml:3:5');
  });

  it('reports world errors as <error> and strips characters XML cannot hold', async () => {
    const w = new FakeWorld();
    w.broken = 'bad byte \u0001 in stream';
    const r = await runScenario(parseScenario('name: e\nsteps:\n  - delay: 1s\n', 'e.yaml'), w);
    const root = parseXml(junitXml([r]));
    conformsToJunit10(root);
    expect(root.attrs).toMatchObject({ tests: '1', failures: '0', errors: '1' });
    const error = root.children[0]!.children[1]!.children[0]!;
    expect(error.name).toBe('error');
    expect(error.attrs.message).toBe('world error: Error: bad byte \uFFFD in stream');
  });
});

describe('ProgressBar', () => {
  it('draws nothing off a terminal', async () => {
    const out = new Sink(false);
    const bar = new ProgressBar(out);
    await runBoth(bar);
    expect(bar.enabled).toBe(false);
    expect(out.text).toBe('');
  });

  it('estimates the total from the budgets still ahead', () => {
    const bar = new ProgressBar(new Sink(true));
    const s = parseScenario('name: day\nsteps:\n  - delay: 6h\n  - wait-relays: {zones: [1], timeout: 1h}\n  - delay: 17h\n', 'd.yaml');
    bar.scenarioStart(s, 0n, () => 0n);
    bar.stepStart(s, s.steps[0]!, 1, 0n);
    expect(bar.estimate(3_600n * S)).toEqual([3_600n * S, 24n * 3_600n * S]);
    bar.stepEnd(s, { index: 1, keyword: 'delay', step: 'delay 6h', at: '', status: 'pass', startNs: 0n, endNs: 6n * 3_600n * S, wallMs: 0 });
    // the wait ends after 10 min instead of its 1 h timeout: the total shrinks by 50 min
    bar.stepEnd(s, { index: 2, keyword: 'wait-relays', step: '', at: '', status: 'pass', startNs: 6n * 3_600n * S, endNs: 6n * 3_600n * S + 600n * S, wallMs: 0 });
    expect(bar.estimate(6n * 3_600n * S + 600n * S)[1]).toBe(23n * 3_600n * S + 600n * S);
    expect(bar.render(12n * 3_600n * S)).toBe('[████████████░░░░░░░░░░░░]  51%  T+12:00:00.000 / T+23:10:00.000 virtual  step 3/3  day');
    bar.scenarioEnd();
  });

  it('redraws on a terminal and clears before the human reporter writes', async () => {
    const out = new Sink(true);
    const bar = new ProgressBar(out);
    await runBoth(bar, new HumanReporter(out, { color: false, progress: bar }));
    expect(out.text).toContain('\r\x1b[2K[');
    expect(out.text).toContain('virtual  step 1/2  passes');
    expect(out.text.endsWith('\n')).toBe(true);
  });
});
