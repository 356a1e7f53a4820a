// The view's lanes and time axis from real traces, without a browser.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { esphil } from '../cli/cli.ts';
import { readTraceFile } from '../../src/trace/jsonl.ts';
import type { TraceEvent } from '../../src/trace/events.ts';
import { viewNames } from '../../src/view/names.ts';
import { buildModel } from '../../src/view/web/model.ts';
import { IDLE_MIN_NS, TimeAxis } from '../../src/view/web/time-axis.ts';
import { step } from '../../src/view/web/navigation.ts';

const dir = mkdtempSync(join(tmpdir(), 'esphil-view-model-'));

async function trace(scenario: string, exitCode = 0): Promise<TraceEvent[]> {
  const file = join(dir, `${scenario.replace(/^.*\//, '')}.jsonl`);
  const run = await esphil(['run', scenario.includes('/') ? scenario : `fixtures/scenarios/${scenario}.yaml`, '--trace', file]);
  expect(run.code, run.stdout + run.stderr).toBe(exitCode);
  return readTraceFile(file);
}

const FAILING = `name: zone 2 is not zone 3
steps:
  - wait-serial: {match: /MQTT connection.*connected/, since: boot, timeout: 60s}
  - publish: {topic: irrigation/zone/on, payload: "2 120"}
  - wait-relays: {zones: [3], timeout: 2s}
`;

describe('view model', () => {
  let zone: TraceEvent[];
  let expired: TraceEvent[];
  let failing: TraceEvent[];
  beforeAll(async () => {
    writeFileSync(join(dir, 'failing.yaml'), FAILING);
    [zone, expired, failing] = await Promise.all([trace('zone-on-off'), trace('expired-broker-cert'), trace(join(dir, 'failing.yaml'), 1)]);
  });

  it('lays out "2 120": MQTT arrows between the parties, the byte, PORTD and the relay bar', () => {
    const m = buildModel(zone, viewNames());
    const publishes = m.mqtt.filter((x) => x.label === 'PUBLISH irrigation/zone/on "2 120"');
    expect(publishes.map((x) => `${x.from}->${x.to}`)).toEqual(['operator->broker', 'broker->node']);
    expect(m.mqtt.find((x) => x.label.startsWith('SUBSCRIBE'))).toMatchObject({ from: 'node', to: 'broker' });
    expect(m.mqtt.filter((x) => x.keepalive).every((x) => /^PING(REQ|RESP)$/.test(x.label))).toBe(true);
    const first = m.bytes[0]!;
    expect(first.mosi).toBe(0xfb);
    expect(m.relay[2]!.at(first.end + 1e6)).toBe(1);
    expect(m.pd[2]!.at(first.end + 1e6)).toBe(0);
    expect(m.relay[2]!.at(first.end + 121e9)).toBe(0);
    expect(m.relayChangeT).toHaveLength(2);
    expect(m.steps.every((s) => s.status === 'pass')).toBe(true);
    // Next/previous: from the start, the first byte; nothing before it.
    expect(step(m.byteT, m.start, 1)).toBe(first.t);
    expect(step(m.byteT, first.t, -1)).toBeUndefined();
  });

  it('marks refused TLS handshakes with the BearSSL code the ESP reported', () => {
    const m = buildModel(expired, viewNames());
    const refused = m.mqtt.filter((x) => x.refused);
    expect(refused.length).toBeGreaterThan(2);
    expect(refused[0]).toMatchObject({ from: 'node', to: 'broker', label: 'TLS refused 54 BR_ERR_X509_EXPIRED' });
    expect(m.messageT).toContain(refused[0]!.t);
  });

  it('marks the failed step, with its message, as a target for "next failed step"', () => {
    const m = buildModel(failing, viewNames());
    expect(m.failT).toHaveLength(1);
    const failed = m.steps.find((x) => x.status === 'fail')!;
    expect(failed.text).toMatch(/^3\. wait-relays/);
    expect(failed.message).toBeTruthy();
    expect(step(m.failT, m.start, 1)).toBe(failed.end);
    expect(step(m.failT, failed.end, 1)).toBeUndefined();
  });
});

describe('MQTT refusals by the broker', () => {
  it('names a CONNACK return code and marks it refused', () => {
    const ev = (t: bigint, dir: 'to-broker' | 'from-broker', packet: Record<string, unknown>): TraceEvent => ({ kind: 'mqtt', t, dir, client: 'intruder', identity: 'operator', packet, raw: '' });
    const m = buildModel([ev(1n, 'to-broker', { cmd: 'connect', clientId: 'intruder' }), ev(2n, 'from-broker', { cmd: 'connack', returnCode: 5 })], viewNames());
    expect(m.mqtt.map((x) => [x.from, x.to, x.label, x.refused])).toEqual([
      ['operator', 'broker', 'CONNECT intruder', false],
      ['broker', 'operator', 'CONNACK 5 MQTT_CONNECT_UNAUTHORIZED (refused)', true],
    ]);
  });
});

describe('time axis', () => {
  it('compresses idle stretches, keeps activity at real scale and maps back exactly', () => {
    const s = 1e9;
    const axis = new TimeAxis(0, 3600 * s, [1 * s, 1 * s + 4000, 1800 * s, 3600 * s], true);
    expect(axis.gaps).toHaveLength(2);
    for (const g of axis.gaps) expect(g.t1 - g.t0).toBeGreaterThan(IDLE_MIN_NS);
    // A 4 µs burst keeps its length in display time; a half-hour gap shrinks to seconds.
    expect(axis.toDisplay(1 * s + 4000) - axis.toDisplay(1 * s)).toBeCloseTo(4000, 6);
    expect(axis.toDisplay(1800 * s) - axis.toDisplay(1 * s)).toBeLessThan(30 * s);
    for (const t of [0, 0.5 * s, 1 * s + 2000, 900 * s, 3599 * s]) expect(axis.fromDisplay(axis.toDisplay(t))).toBeCloseTo(t, -1);
    const linear = new TimeAxis(0, 3600 * s, [1 * s, 1800 * s], false);
    expect(linear.gaps).toHaveLength(0);
    expect(linear.toDisplay(900 * s)).toBe(900 * s);
  });

  it('zooms from the whole run down to single SCK edges', () => {
    const axis = new TimeAxis(0, 86_400e9, [3_020_001_000], true);
    axis.width = 1000;
    axis.fit();
    expect(axis.timeAt(axis.width)).toBeGreaterThan(86_400e9);
    axis.setSpan(1, 3_020_001_000);
    expect(axis.span).toBe(200);
    // 2 MHz: SCK edges 250 ns apart are > 1000 px apart now.
    expect(axis.x(3_020_001_250) - axis.x(3_020_001_000)).toBeGreaterThan(1000);
  });
});
