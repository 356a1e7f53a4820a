import { describe, expect, it } from 'vitest';
import type { RelaysEvent } from '../trace/events.ts';
import { spiWindow } from '../trace/testing.ts';
import { makeBreakpoint, matchBytes, parseBytePattern } from './breakpoints.ts';

describe('stepper breakpoints', () => {
  it('parses byte patterns with whole-byte and nibble wildcards', () => {
    expect(parseBytePattern('fb')).toEqual([{ value: 0xfb, mask: 0xff }]);
    expect(parseBytePattern('0x3c xx F0')).toEqual([
      { value: 0x3c, mask: 0xff },
      { value: 0, mask: 0 },
      { value: 0xf0, mask: 0xff },
    ]);
    expect(parseBytePattern('3cx0')).toEqual([
      { value: 0x3c, mask: 0xff },
      { value: 0x00, mask: 0x0f },
    ]);
    expect(() => parseBytePattern('abc')).toThrow(/byte pattern "abc"/);
  });

  it('matches a pattern anywhere in a row of bytes and says where it starts', () => {
    expect(matchBytes([0x01, 0x3c, 0x99, 0xf0], parseBytePattern('3c xx f0'))).toBe(1);
    expect(matchBytes([0x01, 0x3c, 0x99], parseBytePattern('3c xx f0'))).toBe(-1);
    expect(matchBytes([0x7f], parseBytePattern('fx'))).toBe(-1);
    expect(matchBytes([0xf7], parseBytePattern('fx'))).toBe(0);
  });

  it('hits on MOSI or MISO bytes, zone changes, published topics and serial lines only', () => {
    const spi = spiWindow({ t: 0n, mosi: [0xaa, 0xfb], miso: [0x00, 0xaa] });
    expect(makeBreakpoint(1, 'mosi', 'fb').hit(spi, [])).toBe(1);
    expect(makeBreakpoint(1, 'miso', 'fb').hit(spi, [])).toBe(-1);
    expect(makeBreakpoint(1, 'miso', 'aa').hit(spi, [])).toBe(1);
    const relays: RelaysEvent = { kind: 'relays', t: 1n, on: [2], portd: 0xfb, ddrd: 0xff };
    expect(makeBreakpoint(1, 'zone', '2').hit(relays, [])).toBe(0);
    expect(makeBreakpoint(1, 'zone', '2').hit(relays, [2])).toBe(-1);
    expect(makeBreakpoint(1, 'zone', '3').hit(relays, [])).toBe(-1);
    expect(makeBreakpoint(1, 'zone', 'any').hit(relays, [5])).toBe(0);
    const pub = (topic: string, cmd = 'publish') =>
      ({ kind: 'mqtt', t: 1n, dir: 'to-broker', client: 'c', packet: { cmd, topic }, raw: '' }) as const;
    expect(makeBreakpoint(1, 'topic', 'irrigation/#').hit(pub('irrigation/zone/on'), [])).toBe(0);
    expect(makeBreakpoint(1, 'topic', 'irrigation/+/off').hit(pub('irrigation/zone/on'), [])).toBe(-1);
    expect(makeBreakpoint(1, 'topic', '#').hit(pub('irrigation/zone/on', 'subscribe'), [])).toBe(-1);
    const line = { kind: 'serial', t: 1n, text: 'Zone 2 on for 120 s' } as const;
    expect(makeBreakpoint(1, 'serial', 'Zone 2').hit(line, [])).toBe(0);
    expect(makeBreakpoint(1, 'serial', '/zone \\d on/i').hit(line, [])).toBe(0);
    expect(makeBreakpoint(1, 'serial', 'zone 2').hit(line, [])).toBe(-1);
  });
});
