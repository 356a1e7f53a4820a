import { describe, expect, it } from 'vitest';
import { ScenarioLoadError, StepFailure } from '../errors.ts';
import { parseScenario } from '../loader.ts';
import type { Step } from '../step.ts';
import { FakeWorld } from '../testing/fake-world.ts';

const S = 1_000_000_000n;

/** One step from its YAML (the text after "- "). */
function step(yaml: string): Step {
  return parseScenario(`name: t\nsteps:\n  - ${yaml}\n`, 't.yaml').steps[0]!;
}

/** The load error of one step, without the file and position. */
function invalid(yaml: string): string {
  try {
    step(yaml);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioLoadError);
    return (e as Error).message.replace(/^t\.yaml:3:\d+: /, '');
  }
  throw new Error(`"${yaml}" loaded`);
}

async function fails(s: Step, w: FakeWorld): Promise<string> {
  const e = await s.run(w).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StepFailure);
  return (e as Error).message;
}

describe('delay', () => {
  it('runs the world for its duration', async () => {
    const w = new FakeWorld();
    const s = step('delay: 2min');
    expect(s.describe()).toBe('delay 2min');
    expect(s.budgetNs()).toBe(120n * S);
    await s.run(w);
    expect(w.t).toBe(120n * S);
  });
  it('accepts the long form and rejects bad durations', () => {
    expect(step('delay: {duration: 5s}').describe()).toBe('delay 5s');
    expect(invalid('delay: [5s]')).toBe('step 1 (delay): duration: expected a single value, got a list');
    expect(invalid('delay:')).toBe('step 1 (delay): missing required parameter "duration"');
  });
});

describe('wait-serial', () => {
  it('waits for a matching line after the step starts', async () => {
    const w = new FakeWorld().serialAt(1n * S, 'WiFi connected').serialAt(5n * S, 'MQTT connected').serialAt(6n * S, 'MQTT connected again');
    w.serial.push({ tNs: 0n, text: 'MQTT connected (before the step)' });
    const s = step('wait-serial: {match: /^MQTT connected/, timeout: 10s}');
    expect(s.describe()).toBe('wait-serial /^MQTT connected/ within 10s');
    await s.run(w);
    expect(w.t).toBe(5n * S);
  });
  it('with since: boot, a line from before the step counts', async () => {
    const w = new FakeWorld();
    w.serial.push({ tNs: 0n, text: 'booted' });
    await step('wait-serial: {match: booted, since: boot}').run(w);
    expect(w.t).toBe(0n);
    expect(await fails(step('wait-serial: {match: booted, timeout: 1s}'), w)).toBe('expected a serial line matching "booted" within 1s, saw no serial lines (t=T+0:00:01.000)');
  });
  it('fails with the lines it saw and the virtual time', async () => {
    const w = new FakeWorld().serialAt(1n * S, 'a').serialAt(2n * S, 'b').serialAt(3n * S, 'c').serialAt(4n * S, 'd');
    expect(await fails(step('wait-serial: {match: /rc=0/i, timeout: 30s}'), w)).toBe(
      'expected a serial line matching /rc=0/i within 30s, saw 4 serial lines (last 3: "b" at T+0:00:02.000, "c" at T+0:00:03.000, "d" at T+0:00:04.000) (t=T+0:00:30.000)',
    );
  });
  it('absent: passes when nothing matches for the whole timeout, fails at the first match', async () => {
    const quiet = new FakeWorld().serialAt(2n * S, '.');
    await step('wait-serial: {match: /connected/, timeout: 10s, absent: true}').run(quiet);
    expect(quiet.t).toBe(10n * S);
    const noisy = new FakeWorld().serialAt(2n * S, 'MQTT connected');
    const s = step('wait-serial: {match: /connected/, timeout: 10s, absent: true}');
    expect(s.describe()).toBe('wait-serial no /connected/ for 10s');
    expect(await fails(s, noisy)).toBe('expected no serial line matching /connected/ for 10s, saw "MQTT connected" at T+0:00:02.000 (t=T+0:00:02.000)');
  });
  it('validates', () => {
    expect(step('wait-serial: "/not a regex"').describe()).toBe('wait-serial "/not a regex" within 30s');
    expect(invalid('wait-serial: {match: x, since: start}')).toBe('step 1 (wait-serial): since: expected one of step, boot, got "start"');
    expect(invalid('wait-serial: {match: x, absent: yes}')).toBe('step 1 (wait-serial): absent: expected true or false, got "yes"');
    expect(invalid('wait-serial: {match: 42}')).toBe('step 1 (wait-serial): match: expected a string, got number 42 (quote it)');
  });
});

describe('publish', () => {
  it('publishes as the operator with qos and retain', async () => {
    const w = new FakeWorld();
    const s = step('publish: {topic: irrigation/zone/on, payload: "2 120", qos: 1, retain: true}');
    expect(s.describe()).toBe('publish irrigation/zone/on "2 120" qos 1 retain');
    await s.run(w);
    expect(w.seen.map((m) => [m.topic, m.payload.toString(), m.from])).toEqual([['irrigation/zone/on', '2 120', 'operator-retain']]);
  });
  it('validates', () => {
    expect(step('publish: {topic: a/b, payload: ""}').describe()).toBe('publish a/b ""');
    expect(step(`publish: {topic: a/b, payload: "${'x'.repeat(300)}"}`).describe()).toBe(`publish a/b "${'x'.repeat(80)}"… (300 chars)`);
    expect(invalid('publish: {topic: a/#, payload: x}')).toBe('step 1 (publish): topic: a topic name cannot hold wildcards (+ #): "a/#"');
    expect(invalid('publish: {topic: a, payload: 5}')).toBe('step 1 (publish): payload: expected a string, got number 5 (quote it)');
    expect(invalid('publish: {topic: a, payload: x, qos: 3}')).toBe('step 1 (publish): qos: expected one of 0, 1, 2, got 3');
    expect(invalid('publish: a/b')).toBe('step 1 (publish): expected a mapping of parameters ({name: value, ...}) or nothing, got "a/b"');
  });
});

describe('wait-mqtt', () => {
  it('matches topic filters, payload and client id', async () => {
    const w = new FakeWorld()
      .at(1n * S, () => w.seen.push({ tNs: 1n * S, topic: 'irrigation/zone/on', payload: Buffer.from('3 10'), from: 'op' }))
      .at(2n * S, () => w.seen.push({ tNs: 2n * S, topic: 'irrigation/zone/on', payload: Buffer.from('2 120'), from: 'other' }))
      .at(3n * S, () => w.seen.push({ tNs: 3n * S, topic: 'irrigation/zone/on', payload: Buffer.from('2 120'), from: 'op' }));
    const s = step('wait-mqtt: {topic: irrigation/+/on, payload: /^2 /, from: op, timeout: 5s}');
    expect(s.describe()).toBe('wait-mqtt irrigation/+/on /^2 / from op within 5s');
    await s.run(w);
    expect(w.t).toBe(3n * S);
  });
  it('fails with what the broker saw', async () => {
    const w = new FakeWorld().at(1n * S, () => w.seen.push({ tNs: 1n * S, topic: 'x/y', payload: Buffer.from('hi'), from: 'op' }));
    expect(await fails(step('wait-mqtt: {topic: irrigation/#, timeout: 2s}'), w)).toBe(
      'expected a PUBLISH irrigation/# at the broker within 2s, saw 1 PUBLISH: x/y "hi" from op at T+0:00:01.000 (t=T+0:00:02.000)',
    );
  });
  it('validates', () => {
    expect(step('wait-mqtt: irrigation/#').describe()).toBe('wait-mqtt irrigation/# within 30s');
    expect(invalid('wait-mqtt: {topic: "a/#/b"}')).toBe(`step 1 (wait-mqtt): topic: '#' must be a whole last level in "a/#/b"`);
    expect(invalid('wait-mqtt: {topic: a, payload: "/(/"}')).toMatch(/^step 1 \(wait-mqtt\): payload: bad regular expression \/\(\//);
  });
});

describe('expect-relays and wait-relays', () => {
  it('expect-relays compares the energised set', async () => {
    const w = new FakeWorld();
    w.relays = [2];
    await step('expect-relays: [2]').run(w);
    await step('expect-relays: 2').run(w);
    expect(await fails(step('expect-relays: none'), w)).toBe('expected relays none energised, saw [2] (t=T+0:00:00.000)');
    w.relays = [];
    await step('expect-relays: []').run(w);
  });
  it('wait-relays waits for a state, passing at once when it already holds', async () => {
    const w = new FakeWorld().relaysAt(3n * S, [2]).relaysAt(123n * S, []);
    await step('wait-relays: none').run(w);
    expect(w.t).toBe(0n);
    await step('wait-relays: {zones: [2], timeout: 5s}').run(w);
    expect(w.t).toBe(3n * S);
    expect(await fails(step('wait-relays: {zones: none, timeout: 100s}'), w)).toBe('expected relays none energised within 1min 40s, saw [2] (t=T+0:01:43.000)');
  });
  it('validates', () => {
    expect(step('wait-relays: [7, 0]').describe()).toBe('wait-relays [0, 7] within 30s');
    expect(invalid('expect-relays: [1, 1]')).toBe('step 1 (expect-relays): zones: zone 1 listed twice');
    expect(invalid('expect-relays: all')).toBe('step 1 (expect-relays): zones: expected zone numbers 0..7 (a list like [2]) or none, got "all"');
    expect(invalid('wait-relays: {timeout: 1s}')).toBe('step 1 (wait-relays): missing required parameter "zones"');
  });
});

describe('expect-pin', () => {
  it('checks a pin level', async () => {
    const w = new FakeWorld();
    w.pins.set('avr:PD2', 0);
    await step('expect-pin: {pin: avr:PD2, level: low}').run(w);
    await step('expect-pin: {pin: avr:PD2, level: 0}').run(w);
    expect(await fails(step('expect-pin: {pin: avr:PD2, level: high}'), w)).toBe('expected avr:PD2 high, saw low (t=T+0:00:00.000)');
    expect(await fails(step('expect-pin: {pin: esp:GPIO16, level: 1}'), w)).toBe('expected esp:GPIO16 high, saw no such pin in this world (t=T+0:00:00.000)');
  });
  it('validates', () => {
    expect(invalid('expect-pin: {pin: PD2, level: low}')).toBe('step 1 (expect-pin): pin: expected chip:pin like avr:PD2 or esp:GPIO16, got "PD2"');
    expect(invalid('expect-pin: {pin: esp:GPIO17, level: low}')).toBe('step 1 (expect-pin): pin: no pin "GPIO17" on the esp (GPIO0..GPIO16)');
    expect(invalid('expect-pin: {pin: esp:GPIO4, level: on}')).toBe('step 1 (expect-pin): level: expected one of 0, 1, low, high, got "on"');
  });
});

describe('expect-spi', () => {
  it('compares the last transaction', async () => {
    const w = new FakeWorld();
    expect(await fails(step('expect-spi: {mosi: [0xFB]}'), w)).toBe('expected last SPI transaction mosi fb, saw no SPI transaction yet (t=T+0:00:00.000)');
    w.spi = { mosi: [0xfb], miso: [0xff], tNs: 7n * S };
    await step('expect-spi: {mosi: [0xFB], miso: "ff"}').run(w);
    await step('expect-spi: {mosi: "0xfb"}').run(w);
    await step('expect-spi: {mosi: 251}').run(w);
    expect(await fails(step('expect-spi: {mosi: "fb 00"}'), w)).toBe('expected last SPI transaction mosi fb 00, saw mosi fb miso ff at T+0:00:07.000 (t=T+0:00:00.000)');
  });
  it('validates', () => {
    expect(invalid('expect-spi: {mosi: "f"}')).toBe('step 1 (expect-spi): mosi: expected hex bytes like "fb" or "fb 00", got "f"');
    expect(invalid('expect-spi: {miso: [256]}')).toBe('step 1 (expect-spi): miso: expected bytes 0..255 (0xFB) or a hex string, got 256');
  });
});

describe('clock, wifi, broker, avr-reset', () => {
  it('act on the world', async () => {
    const w = new FakeWorld();
    await step('set-clock: 2030-01-01T00:00:00+02:00').run(w);
    expect(w.utcMs).toBe(Date.parse('2029-12-31T22:00:00Z'));
    await step('advance-clock: 1d').run(w);
    expect(w.utcMs).toBe(Date.parse('2030-01-01T22:00:00Z'));
    expect(w.t).toBe(0n);
    await step('wifi: down').run(w);
    expect(w.wifiUp).toBe(false);
    await step('ntp: withhold').run(w);
    expect(w.ntpAnswers).toBe(false);
    await step('ntp: {state: answer}').run(w);
    expect(w.ntpAnswers).toBe(true);
    await step('broker: {action: restart}').run(w);
    expect(w.brokerActions).toEqual(['restart']);
    await step('avr-reset').run(w);
    await step('avr-reset:').run(w);
    expect(w.avrResets).toBe(2);
  });
  it('describe', () => {
    expect(step('set-clock: 2027-03-01').describe()).toBe('set-clock 2027-03-01T00:00:00.000Z');
    expect(step('advance-clock: 400d').describe()).toBe('advance-clock 400d');
    expect(step('broker: stop').describe()).toBe('broker stop');
  });
  it('validate', () => {
    expect(invalid('set-clock: 2026-06-01T05:00:00')).toMatch(/^step 1 \(set-clock\): utc: expected an ISO date/);
    expect(invalid('ntp: maybe')).toBe('step 1 (ntp): state: expected one of answer, withhold, got "maybe"');
    expect(invalid('broker: pause')).toBe('step 1 (broker): action: expected one of stop, start, restart, got "pause"');
    expect(invalid('avr-reset: {now: true}')).toBe('step 1 (avr-reset): unknown parameter "now" (this step takes none)');
    expect(invalid('avr-reset: [1]')).toBe('step 1 (avr-reset): expected a mapping of parameters ({name: value, ...}) or nothing, got a list');
  });
});
