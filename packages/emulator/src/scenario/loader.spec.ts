import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioLoadError } from './errors.ts';
import { loadScenario, parseScenario } from './loader.ts';

const BAD = resolve(import.meta.dirname, '../../test/scenario-bad');

async function loadErrors(name: string): Promise<string[]> {
  const file = `${BAD}/${name}`;
  const e = await loadScenario(file).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ScenarioLoadError);
  return (e as ScenarioLoadError).issues.map((i) => i.message.replace(`${file}:`, ''));
}

describe('scenario load errors name file:line:column', () => {
  it('unknown parameter, with a typo hint', async () => {
    expect(await loadErrors('unknown-param.yaml')).toEqual([
      '6:7: step 1 (publish): unknown parameter "retian" (did you mean retain?) (known: topic, payload, payload-hex, qos, retain)',
    ]);
  });

  it('durations without a unit, with a misspelt unit, out of order', async () => {
    expect(await loadErrors('bad-durations.yaml')).toEqual([
      '3:12: step 1 (delay): duration: duration "5" needs a unit after 5 (d h min s ms us ns)',
      '4:40: step 2 (wait-relays): timeout: bad duration "5 sec" at "5 sec" (want e.g. 250ms, 5s, 1h 30min; units d h min s ms us ns)',
      '5:20: step 3 (advance-clock): by: duration "1s 1h": units must each appear once, largest first (h after a smaller or equal unit)',
    ]);
  });

  it('missing parameters point at the step', async () => {
    expect(await loadErrors('missing-param.yaml')).toEqual([
      '3:5: step 1 (publish): missing required parameter "payload"',
      '4:23: step 2 (expect-pin): pin: no pin "PD9" on the avr (PB0..PD7, RESET)',
      '5:5: step 3 (expect-spi): needs mosi or miso (or both)',
    ]);
  });

  it('unknown step keywords and two keywords in one item', async () => {
    const [first, second] = await loadErrors('unknown-step.yaml');
    expect(first).toMatch(/^4:5: step 2: unknown step "wait-relay" \(did you mean wait-relays\?\) \(steps: delay, wait-serial, /);
    expect(second).toBe('6:5: step 3: expected one step keyword per list item, found 2 step keywords (publish, expect-relays)');
  });

  it('a parameter beside the keyword instead of inside it', () => {
    expect(() => parseScenario('name: x\nsteps:\n  - wait-relays: [2]\n    timeout: 5s\n', 'x.yaml')).toThrow(
      `x.yaml:4:5: step 1 (wait-relays): "timeout" beside the step keyword: parameters go inside wait-relays's mapping, and only name: may stand beside it`,
    );
  });

  it('YAML syntax errors', async () => {
    expect(await loadErrors('broken-yaml.yaml')).toEqual([
      '4:3: YAML: Flow map in block collection must be sufficiently indented and end with a }; inside {...} or [...], quote values that hold { } [ ] , or ": "',
    ]);
    expect(await loadErrors('unquoted-regex.yaml')).toEqual([
      '4:62: YAML: Unexpected flow-map-start at node end; inside {...} or [...], quote values that hold { } [ ] , or ": " (and 7 more YAML errors after it)',
    ]);
  });

  it('every bad key of the node section', async () => {
    expect(await loadErrors('bad-node.yaml')).toEqual([
      `3:12: node: avr-hex: AVR hex file not found: ${BAD}/missing-firmware.hex`,
      '4:14: node: transport: expected one of memory, tcp, got "udp"',
      '5:8: node: utc: expected an ISO date like 2026-06-01T05:00:00Z or 2026-06-01 (a time needs Z or an offset), got "2026-06-01 05:00"',
      '6:21: node ntp: unknown parameter "answer" (known: delay, respond)',
      '7:9: node wifi: missing required parameter "psk"',
    ]);
  });

  it('ill-typed values', async () => {
    expect(await loadErrors('ill-typed.yaml')).toEqual([
      '3:24: step 1 (expect-relays): zones: expected zone numbers 0..7 (a list like [2]) or none, got 8',
      '4:22: step 2 (publish): topic: a topic name cannot hold wildcards (+ #): "irrigation/zone/+"',
      '5:26: step 3 (wait-serial): match: bad regular expression /MQTT (connected/: Invalid regular expression: /MQTT (connected/: Unterminated group',
      '6:11: step 4 (wifi): state: expected one of up, down, got "sideways"',
      '7:16: step 5 (set-clock): utc: no such date: "2026-02-30T00:00:00Z"',
    ]);
  });

  it('ota-avr: a missing or unreadable image, a bad device, an unknown until', async () => {
    const fixtures = resolve(BAD, '../../../../fixtures/avr');
    expect(await loadErrors('bad-ota.yaml')).toEqual([
      `4:22: step 1 (ota-avr): image: file not found: ${fixtures}/no-such.hex`,
      `5:22: step 2 (ota-avr): image: ${BAD}/bad-ota.yaml:1: record does not start with ':' (found "name: ot")`,
      '6:75: step 3 (ota-avr): device: expected three hex bytes, e.g. "1E 95 0F"',
      '7:74: step 4 (ota-avr): until: expected one of programming, got "verified"',
    ]);
  });

  it('a file that is not a scenario', async () => {
    expect(await loadErrors('not-a-scenario.yaml')).toEqual([
      '1:1: scenario: missing required parameter "name"',
      '1:1: scenario: missing required key "steps"',
      '2:1: scenario: unknown parameter "nodes" (did you mean node?) (known: name, description, node, steps)',
    ]);
  });

  it('a top-level key that is not a plain string is a load error, not a crash (found by fuzzing)', () => {
    expect(() => parseScenario('? [a]\nname: x\n', 'k.yaml')).toThrow(ScenarioLoadError);
    expect(() => parseScenario('? [a]\nname: x\n', 'k.yaml')).toThrow(/^k\.yaml:1:3: scenario: parameter names must be plain strings$/);
  });

  it('an unreadable file', async () => {
    const e = (await loadScenario(`${BAD}/no-such.yaml`).catch((err: unknown) => err)) as ScenarioLoadError;
    expect(e.message).toBe(`${BAD}/no-such.yaml:1:1: cannot read scenario: ENOENT`);
  });

  it('the message lists every issue, one per line, in file order', async () => {
    const e = (await loadScenario(`${BAD}/ill-typed.yaml`).catch((err: unknown) => err)) as ScenarioLoadError;
    expect(e.message.split('\n')).toHaveLength(5);
    expect(e.message.split('\n')[0]).toMatch(/ill-typed\.yaml:3:24: /);
  });
});

describe('node millis-wrap-in', () => {
  const node = (v: string) => `name: wrap\nnode:\n  millis-wrap-in: ${v}\nsteps:\n  - delay: 1s\n`;
  it('starts millis() that long before the 2^32 ms wrap', () => {
    expect(parseScenario(node('30s'), '/x/w.yaml').node.millisAtBoot).toBe(2 ** 32 - 30_000);
  });
  it('refuses a wrap further away than millis() can count', () => {
    expect(() => parseScenario(node('50d'), '/x/w.yaml')).toThrow('/x/w.yaml:3:19: node: millis-wrap-in: expected 1ms .. 49d 17h 2min 47s 296ms (2^32 ms), got 50d');
  });
});

describe('node avr-elf and gdb', () => {
  const elf = '../../../../fixtures/avr/relay-slave.elf';
  const node = (body: string) => `name: dbg\nnode:\n${body}\nsteps:\n  - delay: 1s\n`;
  const file = new URL('./loader.spec.ts', import.meta.url).pathname;
  it('reads an ELF path (relative to the scenario) and a gdb port, true meaning 1234', () => {
    const s = parseScenario(node(`  avr-elf: ${elf}\n  gdb: true`), file);
    expect(s.node.avrElf).toMatch(/\/fixtures\/avr\/relay-slave\.elf$/);
    expect(s.node.gdbPort).toBe(1234);
    expect(parseScenario(node('  gdb: 0'), file).node.gdbPort).toBe(0);
  });
  it('refuses a port that is none, and a firmware given twice', () => {
    expect(() => parseScenario(node('  gdb: 70000'), file)).toThrow(/:3:8: node: gdb: expected true or a TCP port \(0-65535\), got 70000/);
    expect(() => parseScenario(node('  gdb: yes please'), file)).toThrow(/node: gdb: expected true or a TCP port \(0-65535\), got "yes please"/);
    expect(() => parseScenario(node(`  avr-hex: bundled\n  avr-elf: ${elf}`), file)).toThrow(/node: avr-elf: give the firmware once: avr-hex or avr-elf, not both/);
  });
});

describe('parseScenario', () => {
  const text = `name: demo
description: one of each form
node:
  avr-hex: bundled-poll
  wifi: {ssid: irrigation, psk: right}
  ap: {ssid: irrigation, psk: wrong}
  build: release
  startup-test: true
  utc: 2027-01-01
  ntp: {delay: 2s, respond: false}
  transport: tcp
steps:
  - avr-reset
  - delay: 1h 30min
  - name: relay 2 on
    wait-relays: {zones: [2], timeout: 5s}
  - expect-relays: none
`;

  it('reads name, description, node and steps with their positions and labels', () => {
    const s = parseScenario(text, '/x/demo.yaml');
    expect(s.name).toBe('demo');
    expect(s.description).toBe('one of each form');
    expect(s.node).toEqual({
      avrHex: { bundled: 'poll' },
      wifi: { ssid: 'irrigation', psk: 'right' },
      ap: { ssid: 'irrigation', psk: 'wrong' },
      certs: {},
      build: 'release',
      startupTest: true,
      utcMs: Date.parse('2027-01-01T00:00:00Z'),
      ntp: { delayNs: 2_000_000_000n, respond: false },
      transport: 'tcp',
    });
    expect(s.steps.map((st) => [st.describe(), st.at, st.label])).toEqual([
      ['avr-reset', '/x/demo.yaml:13:5', undefined],
      ['delay 1h 30min', '/x/demo.yaml:14:5', undefined],
      ['wait-relays [2] within 5s', '/x/demo.yaml:16:5', 'relay 2 on'],
      ['expect-relays none', '/x/demo.yaml:17:5', undefined],
    ]);
  });

  it('resolves node paths against the scenario file', () => {
    const file = resolve(import.meta.dirname, '../../../../fixtures/scenarios/x.yaml');
    const s = parseScenario('name: p\nnode:\n  broker-config: ../../packages/emulator/package.json\nsteps: [avr-reset]\n', file);
    expect(s.node.brokerConfig).toBe(resolve(import.meta.dirname, '../../package.json'));
  });

  it('rejects an empty step list', () => {
    expect(() => parseScenario('name: e\nsteps: []\n', 'e.yaml')).toThrow('e.yaml:2:8: steps: expected a non-empty list of steps');
  });
});

describe('shipped scenarios', () => {
  const dir = resolve(import.meta.dirname, '../../../../fixtures/scenarios');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

  it('are all there', () => {
    expect(files.sort()).toEqual(
      expect.arrayContaining(['boot-and-connect.yaml', 'clock-gate.yaml', 'expired-broker-cert.yaml', 'irrigation-day.yaml', 'wifi-and-broker-loss.yaml', 'zone-on-off.yaml']),
    );
  });

  it.each(files)('%s loads', async (f) => {
    const s = await loadScenario(`${dir}/${f}`);
    expect(s.steps.length).toBeGreaterThan(3);
  });

  it('irrigation-day spans 24 virtual hours of delays and idle windows', async () => {
    const s = await loadScenario(`${dir}/irrigation-day.yaml`);
    const planned = s.steps.filter((st) => st.keyword === 'delay' || (st.keyword === 'wait-serial' && st.describe().includes(' no '))).reduce((sum, st) => sum + st.budgetNs(), 0n);
    expect(planned / 60_000_000_000n).toBe(24n * 60n);
  });

  it('expired-broker-cert points at the fixture PKI', async () => {
    const s = await loadScenario(`${dir}/expired-broker-cert.yaml`);
    expect(s.node.certs).toEqual({ brokerCert: resolve(dir, '../pki/broker-expired.crt'), brokerKey: resolve(dir, '../pki/broker-expired.key') });
  });
});
