import { describe, expect, it } from 'vitest';
import { formatTimelineJson, formatTimelineText, parseTimeline, TimelineError, toTimeline } from './timeline.ts';

const S = 1_000_000_000n;

describe('toTimeline', () => {
  it('keeps changes from the subscription on, exact in ns, dropping non-changes', () => {
    const events = [
      { tNs: 1n * S, on: [] }, // AVR boot: before the subscription, sets the starting state
      { tNs: 9n * S, on: [] }, // no change at the subscription
      { tNs: 12n * S + 1_234_567n, on: [2] },
      { tNs: 13n * S, on: [2] },
      { tNs: 20n * S, on: [7, 5] },
      { tNs: 40n * S + 999n, on: [] },
    ];
    expect(toTimeline(events, 8n * S)).toEqual([{ t: 4n * S + 1_234_567n, on: [2] }, { t: 12n * S, on: [5, 7] }, { t: 32n * S + 999n, on: [] }]);
  });
  it('formats JSON lines and text', () => {
    expect(formatTimelineJson({ t: 4n * S + 1_234_000n, on: [2] })).toBe('{"event":"relays","t":"4001234000","on":[2]}');
    expect(formatTimelineText([{ t: 4n * S + 1_234_000n, on: [2] }, { t: 130n * S, on: [] }])).toBe('   +4s 1ms 234us  on: 2\n       +2min 10s  on: none\n');
    expect(formatTimelineText([])).toBe('no relay changes\n');
  });
});

describe('parseTimeline', () => {
  it('reads relays lines and ignores other events', () => {
    const text = '{"event":"ready","port":8883}\n{"event":"relays","t":"2000000","on":[2]}\n\n{"event":"node","what":"x"}\n{"event":"relays","t":"120002000400","on":[]}\n';
    expect(parseTimeline(text, 'exp.jsonl')).toEqual([{ t: 2_000_000n, on: [2] }, { t: 120_002_000_400n, on: [] }]);
  });

  it('takes relay events from a trace, placed after the SUBACK that completes the node\'s subscriptions', () => {
    const node = 'sec_mqtt_client_00_03';
    const sub = (id: number, topic: string, t: string) => [
      JSON.stringify({ kind: 'mqtt', t, dir: 'to-broker', client: node, packet: { cmd: 'subscribe', messageId: id, subscriptions: [{ topic, qos: 0 }] }, raw: '' }),
      JSON.stringify({ kind: 'mqtt', t: String(BigInt(t) + 1000n), dir: 'from-broker', client: node, packet: { cmd: 'suback', messageId: id, granted: [0] }, raw: '' }),
    ];
    const lines = [
      JSON.stringify({ kind: 'relays', t: '1000000', on: [], portd: 255, ddrd: 255 }),
      ...sub(1, 'irrigation/zone/on', '5000000000'),
      ...sub(2, 'irrigation/zone/off', '5000100000'),
      JSON.stringify({ kind: 'mqtt', t: '5000150000', dir: 'to-broker', client: 'operator', packet: { cmd: 'suback', messageId: 3, granted: [0] }, raw: '' }),
      ...sub(3, 'irrigation/zone/status', '5000200000'),
      JSON.stringify({ kind: 'relays', t: '6000201000', on: [3], portd: 0xf7, ddrd: 255 }),
      JSON.stringify({ kind: 'serial', t: '6000300000', text: 'zone 3 on' }),
    ];
    expect(parseTimeline(lines.join('\n'), 'trace.jsonl')).toEqual([{ t: S, on: [3] }]);
    expect(() => parseTimeline(lines.slice(0, -4).join('\n') + '\n' + lines.at(-2), 'short.jsonl')).toThrow(
      `short.jsonl:1: trace has relay events but no SUBACK to sec_mqtt_client_00_03 completing its subscriptions (irrigation/zone/on, irrigation/zone/off, irrigation/zone/status), so there is no t = 0`,
    );
  });

  it.each([
    ['{"event":"relays","t":1.5,"on":[]}', 'x.jsonl:2: "t" must be a decimal string of nanoseconds, got 1.5'],
    ['{"event":"relays","t":"1","on":[8]}', 'x.jsonl:2: "on" must be an array of zone numbers 0..7, got [8]'],
    ['{"event":"relays","t":"1","on":"2"}', 'x.jsonl:2: "on" must be an array of zone numbers 0..7, got "2"'],
    ['{"kind":"relays","t":1,"on":[]}', 'x.jsonl:2: "t" must be a decimal string of nanoseconds, got 1'],
    ['nope', 'x.jsonl:2: not JSON'],
    ['{"event":"relays","t":"500000000","on":[]}', 'x.jsonl:2: relay changes are not in time order (+500ms after +1s)'],
  ])('names the line of %s', (line, message) => {
    const text = `{"event":"relays","t":"1000000000","on":[1]}\n${line}\n`;
    expect(() => parseTimeline(text, 'x.jsonl')).toThrow(TimelineError);
    expect(() => parseTimeline(text, 'x.jsonl')).toThrow(message);
  });
});
