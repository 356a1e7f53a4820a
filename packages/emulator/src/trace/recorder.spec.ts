import { describe, expect, it } from 'vitest';
import type { TraceEvent, TraceSink } from './events.ts';
import { TraceRecorder } from './recorder.ts';
import { sampleTrace, spiWindow } from './testing.ts';

function collector(): TraceSink & { got: TraceEvent[]; closed: boolean } {
  const s = { got: [] as TraceEvent[], closed: false, write: (e: TraceEvent) => void s.got.push(e), close: () => void (s.closed = true) };
  return s;
}

describe('TraceRecorder', () => {
  it('keeps events sorted when an SPI window arrives after the events inside it', () => {
    const sink = collector();
    const rec = new TraceRecorder({ sinks: [sink] });
    const spi = spiWindow({ t: 10_000n, mosi: [0xfb] });
    const fall: TraceEvent = { kind: 'pin', t: 10_000n, chip: 'esp', pin: 'GPIO16', level: 0, dir: 'out' };
    const relays: TraceEvent = { kind: 'relays', t: 17_125n, on: [2], portd: 0xfb, ddrd: 0xff };
    const rise: TraceEvent = { kind: 'pin', t: spi.end, chip: 'esp', pin: 'GPIO16', level: 1, dir: 'out' };
    // The world's order: SS falls, the AVR writes PORTD, SS rises, the window is emitted.
    rec.record(fall);
    rec.record(relays);
    rec.record(rise);
    rec.record(spi);
    expect(rec.events).toEqual([fall, spi, relays, rise]);
    expect(sink.got).toEqual([]); // all within the reorder window
    rec.record({ kind: 'serial', t: 5_000_000_000n, text: 'later' });
    expect(sink.got).toEqual([fall, spi, relays, rise]);
    rec.close();
    expect(sink.got.map((e) => e.kind)).toEqual(['pin', 'spi', 'relays', 'pin', 'serial']);
    expect(sink.closed).toBe(true);
    expect(rec.late).toEqual([]);
  });

  it('answers by kind and by time', () => {
    const rec = new TraceRecorder();
    for (const e of [...sampleTrace()].reverse()) rec.record(e);
    expect(rec.events.map((e) => e.t)).toEqual(sampleTrace().map((e) => e.t).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(rec.byKind('spi').map((e) => e.bytes[0]!.mosi)).toEqual([0xfb, 0xdf, 0xff]);
    expect(rec.byKind('relays').every((e) => e.kind === 'relays')).toBe(true);
    const firstSpi = rec.byKind('spi')[0]!;
    expect(rec.events[rec.indexAt(firstSpi.t)]).toBe(firstSpi);
    expect(rec.between(firstSpi.t, firstSpi.end).map((e) => e.kind)).toEqual(['spi', 'relays']);
  });

  it('writes an event that arrives too late anyway and reports it', () => {
    const sink = collector();
    const rec = new TraceRecorder({ sinks: [sink], reorderWindowNs: 0n });
    rec.record({ kind: 'serial', t: 100n, text: 'a' });
    rec.record({ kind: 'serial', t: 200n, text: 'b' });
    rec.record({ kind: 'serial', t: 150n, text: 'in time' }); // 100 was released, 150 can still be ordered
    rec.record({ kind: 'serial', t: 50n, text: 'late' });
    expect(rec.late.map((e) => e.t)).toEqual([50n]);
    expect(rec.events.map((e) => e.t)).toEqual([50n, 100n, 150n, 200n]);
    rec.close();
    expect(sink.got.map((e) => e.t)).toEqual([100n, 150n, 50n, 200n]);
  });

  it('refuses events after close', () => {
    const rec = new TraceRecorder();
    rec.close();
    expect(() => rec.record({ kind: 'serial', t: 1n, text: 'x' })).toThrow(/serial event at t=1 recorded after close/);
  });
});
