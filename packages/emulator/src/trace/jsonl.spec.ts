import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from './events.ts';
import { TRACE_KINDS } from './events.ts';
import { JsonlTraceWriter, encodeTraceEvent, parseTrace, readTraceFile } from './jsonl.ts';
import { fileOut, memoryOut } from './out.ts';
import { sampleTrace, spiWindow } from './testing.ts';

const TEN_YEARS_NS = 10n * 365n * 86_400n * 1_000_000_000n + 123n;

describe('trace JSONL', () => {
  it('round-trips every event kind exactly (write -> read -> equal)', () => {
    const events: TraceEvent[] = [...sampleTrace(), { ...spiWindow({ t: TEN_YEARS_NS, mosi: [0x00, 0xff], lsbFirst: true, mode: 3, lost: [1] }) }];
    expect(new Set(events.map((e) => e.kind))).toEqual(new Set(TRACE_KINDS));
    const out = memoryOut();
    const w = new JsonlTraceWriter(out);
    events.forEach((e) => w.write(e));
    w.close();
    const text = out.text();
    expect(text.split('\n').length).toBe(events.length + 1);
    expect(parseTrace(text)).toEqual(events);
  });

  it('writes t and other bigints as decimal strings, exact beyond 2^53', () => {
    const line = encodeTraceEvent({ kind: 'serial', t: TEN_YEARS_NS, text: 'x' });
    expect(line).toBe(`{"kind":"serial","t":"${TEN_YEARS_NS}","text":"x"}`);
    expect(TEN_YEARS_NS > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(parseTrace(line)[0]!.t).toBe(TEN_YEARS_NS);
  });

  it('writes Buffers anywhere in a packet as hex', () => {
    const line = encodeTraceEvent({
      kind: 'mqtt',
      t: 5n,
      dir: 'to-broker',
      client: 'c',
      packet: { cmd: 'publish', topic: 'a', payload: Buffer.from([0xde, 0xad, 0x00]), nested: { id: 7n } },
      raw: '30',
    });
    expect(JSON.parse(line).packet).toEqual({ cmd: 'publish', topic: 'a', payload: 'dead00', nested: { id: '7' } });
  });

  it('streams to a file that reads back', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'esphil-trace-')), 'run.jsonl');
    const w = new JsonlTraceWriter(fileOut(path));
    for (const e of sampleTrace()) w.write(e);
    w.close();
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true);
    expect(readTraceFile(path)).toEqual(sampleTrace());
  });

  it.each([
    ['not json', '{"kind":"serial",', /^f\.jsonl:2: not JSON/],
    ['unknown kind', '{"kind":"spy","t":"1"}', /^f\.jsonl:2: event\.kind: expected one of spi, pin/],
    ['numeric time', '{"kind":"serial","t":5,"text":"a"}', /^f\.jsonl:2: serial\.t: expected a time in ns as a decimal string, got 5/],
    ['missing field', '{"kind":"serial","t":"5"}', /^f\.jsonl:2: serial: missing field "text"/],
    ['unknown field', '{"kind":"serial","t":"5","text":"a","txt":"b"}', /^f\.jsonl:2: serial: unknown field "txt"/],
    ['bad level', '{"kind":"pin","t":"5","chip":"avr","pin":"PD0","level":2}', /pin\.level: expected one of 0, 1, got 2/],
    ['bad raw', '{"kind":"mqtt","t":"5","dir":"to-broker","client":"","packet":{},"raw":"XY"}', /mqtt\.raw: expected lower-case hex/],
    ['bad zone', '{"kind":"relays","t":"5","on":[9],"portd":255,"ddrd":255}', /relays\.on\[0\]: expected an integer 0\.\.7, got 9/],
  ])('rejects %s with the line number and field', (_name, bad, message) => {
    const good = encodeTraceEvent({ kind: 'serial', t: 1n, text: 'ok' });
    expect(() => parseTrace(`${good}\n${bad}\n${good}\n`, 'f.jsonl')).toThrow(message);
  });

  it('names nested SPI byte fields and impossible windows', () => {
    const spi = JSON.parse(encodeTraceEvent(spiWindow({ t: 1000n, mosi: [1, 2] })));
    spi.bytes[1].mosi = 256;
    expect(() => parseTrace(`\n\n${JSON.stringify(spi)}`, 'x.jsonl')).toThrow(/^x\.jsonl:3: spi\.bytes\[1\]\.mosi: expected an integer 0\.\.255, got 256/);
    const back = JSON.parse(encodeTraceEvent(spiWindow({ t: 1000n, mosi: [1] })));
    back.end = '999';
    expect(() => parseTrace(JSON.stringify(back), 'x.jsonl')).toThrow(/^x\.jsonl:1: spi\.end: SS rises \(999\) before it falls \(1000\)/);
  });

  it('accepts every example in docs/trace.md, and the docs show every kind', () => {
    const doc = readFileSync(new URL('../../docs/trace.md', import.meta.url), 'utf8');
    const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!).join('');
    const events = parseTrace(examples, 'docs/trace.md');
    expect(new Set(events.map((e) => e.kind))).toEqual(new Set(TRACE_KINDS));
    for (const e of events) expect(examples).toContain(encodeTraceEvent(e));
  });

  it('reports an unreadable file by path', () => {
    expect(() => readTraceFile('/nonexistent/t.jsonl')).toThrow(/\/nonexistent\/t\.jsonl: cannot read trace \(ENOENT\)/);
  });
});
