import { describe, expect, it } from 'vitest';
import { parseScenario } from './loader.ts';
import { allReporters, runScenario, scenarioBudgetNs, type Reporter } from './runner.ts';
import { FakeWorld } from './testing/fake-world.ts';

const S = 1_000_000_000n;

const ZONE_ON_OFF = `name: zone on/off
steps:
  - publish: {topic: irrigation/zone/on, payload: "2 120"}
  - wait-relays: {zones: [2], timeout: 2s}
  - delay: 119s
  - expect-relays: [2]
  - wait-relays: {zones: none, timeout: 2s}
`;

/** A node that obeys "zone seconds" after 150 ms and turns the zone off when the timer ends. */
function obedientNode(): FakeWorld {
  const w = new FakeWorld();
  w.onPublish = (topic, payload) => {
    const [zone, secs] = payload.split(' ').map(Number);
    if (topic !== 'irrigation/zone/on' || zone === undefined || secs === undefined) return;
    const on = w.t + 150_000_000n;
    w.relaysAt(on, [zone]).relaysAt(on + BigInt(secs) * S, []);
  };
  return w;
}

function recorder(): Reporter & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    scenarioStart: (s, t) => log.push(`start ${s.name} ${t}`),
    stepStart: (_s, step, i, t) => log.push(`step ${i} ${step.keyword} ${t}`),
    stepEnd: (_s, r) => log.push(`end ${r.index} ${r.status}`),
    scenarioEnd: (_s, r) => log.push(`done ${r.status}`),
  };
}

describe('runScenario', () => {
  it('lets the world forget its history before each step that no later step looks back from (since: boot)', async () => {
    const w = obedientNode();
    w.serialAt(1n, 'Booting');
    const s = parseScenario(
      `name: look back
steps:
  - delay: 1s
  - wait-serial: {match: /Booting/, since: boot, timeout: 1s}
  - delay: 1s
  - wait-serial: {match: /Booting/, timeout: 1s, absent: true}
`,
      'back.yaml',
    );
    const r = await runScenario(s, w);
    expect(r.status).toBe('pass');
    expect(w.forgotBefore).toEqual([3, 4]);
  });

  it('runs every step in order and records virtual times', async () => {
    const w = obedientNode();
    const s = parseScenario(ZONE_ON_OFF, 'zone.yaml');
    const rec = recorder();
    const r = await runScenario(s, w, rec);
    expect(r.status).toBe('pass');
    expect(r.failure).toBeUndefined();
    expect(r.startNs).toBe(0n);
    expect(r.endNs).toBe(120_150_000_000n);
    expect(r.steps.map((st) => [st.index, st.status, st.startNs, st.endNs])).toEqual([
      [1, 'pass', 0n, 0n],
      [2, 'pass', 0n, 150_000_000n],
      [3, 'pass', 150_000_000n, 119_150_000_000n],
      [4, 'pass', 119_150_000_000n, 119_150_000_000n],
      [5, 'pass', 119_150_000_000n, 120_150_000_000n],
    ]);
    expect(rec.log.slice(0, 3)).toEqual(['start zone on/off 0', 'step 1 publish 0', 'end 1 pass']);
    expect(rec.log.at(-1)).toBe('done pass');
    expect(w.trace.filter((e) => e.index === 2)).toEqual([
      { index: 2, step: 'wait-relays [2] within 2s', status: 'start', scenario: 'zone on/off' },
      { index: 2, step: 'wait-relays [2] within 2s', status: 'pass', scenario: 'zone on/off' },
    ]);
  });

  it('stops at the first failure and skips the rest', async () => {
    const w = obedientNode();
    w.onPublish = () => {}; // the node ignores the command
    const r = await runScenario(parseScenario(ZONE_ON_OFF, 'zone.yaml'), w);
    expect(r.status).toBe('fail');
    expect(r.steps.map((st) => st.status)).toEqual(['pass', 'fail', 'skipped', 'skipped', 'skipped']);
    expect(r.failure).toEqual({
      index: 2,
      step: 'wait-relays [2] within 2s',
      at: 'zone.yaml:4:5',
      message: 'expected relays [2] energised within 2s, saw none (t=T+0:00:02.000)',
    });
    expect(r.steps[2]!.startNs).toBeUndefined();
    expect(w.trace.at(-1)).toEqual({ index: 2, step: 'wait-relays [2] within 2s', status: 'fail', scenario: 'zone on/off', message: r.failure!.message });
  });

  it('reports a world that throws as an error, not a failure', async () => {
    const w = obedientNode();
    w.broken = 'TLS stream closed';
    const r = await runScenario(parseScenario(ZONE_ON_OFF, 'zone.yaml'), w);
    expect(r.status).toBe('error');
    expect(r.steps[0]!.status).toBe('error');
    expect(r.failure!.message).toMatch(/^world error: Error: TLS stream closed/);
  });

  it('estimates the virtual budget from delays and timeouts', () => {
    expect(scenarioBudgetNs(parseScenario(ZONE_ON_OFF, 'zone.yaml'))).toBe(123n * S);
  });

  it('allReporters calls each in turn', async () => {
    const a = recorder();
    const b = recorder();
    await runScenario(parseScenario(ZONE_ON_OFF, 'zone.yaml'), obedientNode(), allReporters(a, b));
    expect(a.log).toEqual(b.log);
    expect(a.log).toHaveLength(12);
  });
});
