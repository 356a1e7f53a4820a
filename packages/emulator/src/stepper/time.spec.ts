import { describe, expect, it } from 'vitest';
import { formatSpan, formatTime, parseTime } from './time.ts';

const S = 1_000_000_000n;

describe('stepper times', () => {
  it.each([
    ['T+250ns', 250n],
    ['T+12ms', 12_000_000n],
    ['T+1h 30min', 5_400n * S],
    ['T+16:00:05.250', 57_605n * S + 250_000_000n],
    ['T+16:00', 57_600n * S],
    ['T+0:00:00.000000001', 1n],
    ['T+49:00:00', 49n * 3_600n * S],
  ])('parses %s', (text, ns) => {
    expect(parseTime(text)).toBe(ns);
  });

  it('is relative to the cursor after + or -', () => {
    expect(parseTime('+10ms', 5n * S)).toBe(5n * S + 10_000_000n);
    expect(parseTime('-1s', 5n * S)).toBe(4n * S);
    expect(() => parseTime('-6s', 5n * S)).toThrow(/time "-6s": before power-on/);
  });

  it('rejects what is not a time, saying what would be', () => {
    expect(() => parseTime('06:00')).toThrow(/"06:00" is a clock time; virtual times since power-on are written T\+06:00/);
    expect(() => parseTime('3000000001')).toThrow(/not a virtual time \(want T\+h:mm:ss\.fff/);
    expect(() => parseTime('2min')).toThrow(/not a virtual time/);
    expect(() => parseTime('T+soon')).toThrow(/bad duration "soon"/);
    expect(() => parseTime('T+16:75')).toThrow(/minutes and seconds must be 0\.\.59/);
    expect(() => parseTime('+5')).toThrow(/needs a unit/);
    expect(() => parseTime('T+1.0000000001s')).toThrow(/not a whole number of nanoseconds/);
  });

  it('formats exact ns since power-on, hours growing past a day', () => {
    expect(formatTime(57_605n * S + 300_002_250n)).toBe('T+16:00:05.300002250');
    expect(formatTime(0n)).toBe('T+0:00:00.000000000');
    expect(formatTime(10n * 365n * 86_400n * S + 1n)).toBe('T+87600:00:00.000000001');
    expect(parseTime(formatTime(123_456_789_012_345n))).toBe(123_456_789_012_345n);
    expect(formatSpan(-2_007_125n, true)).toBe('-2ms 7us 125ns');
    expect(formatSpan(0n, true)).toBe('+0s');
  });
});
