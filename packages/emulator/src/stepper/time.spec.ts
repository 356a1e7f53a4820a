import { describe, expect, it } from 'vitest';
import { formatSpan, formatTime, parseTime } from './time.ts';

const S = 1_000_000_000n;

describe('stepper times', () => {
  it.each([
    ['250ns', 250n],
    ['40us', 40_000n],
    ['12ms', 12_000_000n],
    ['1.5s', 1_500_000_000n],
    ['2min', 120n * S],
    ['16h', 57_600n * S],
    ['1h 30min', 5_400n * S],
    ['16:00:05.250', 57_605n * S + 250_000_000n],
    ['16:00', 57_600n * S],
    ['00:00:00.000000001', 1n],
    ['2d 01:00:00', 2n * 86_400n * S + 3_600n * S],
    ['3000000001', 3n * S + 1n],
  ])('parses %s', (text, ns) => {
    expect(parseTime(text)).toBe(ns);
  });

  it('is relative to the cursor after + or -', () => {
    expect(parseTime('+10ms', 5n * S)).toBe(5n * S + 10_000_000n);
    expect(parseTime('-1s', 5n * S)).toBe(4n * S);
    expect(() => parseTime('-6s', 5n * S)).toThrow(/time "-6s": before the start of the run/);
  });

  it('rejects what is not a time, saying what would be', () => {
    expect(() => parseTime('soon')).toThrow(/bad duration "soon".*or a clock time like 16:00:05\.250/);
    expect(() => parseTime('16:75')).toThrow(/time "16:75": minutes and seconds must be 0\.\.59/);
    expect(() => parseTime('1.0000000001s')).toThrow(/not a whole number of nanoseconds/);
  });

  it('formats exact ns, with days past the first', () => {
    expect(formatTime(57_605n * S + 300_002_250n)).toBe('16:00:05.300002250');
    expect(formatTime(0n)).toBe('00:00:00.000000000');
    expect(formatTime(10n * 365n * 86_400n * S + 1n)).toBe('3650d 00:00:00.000000001');
    expect(parseTime(formatTime(123_456_789_012_345n))).toBe(123_456_789_012_345n);
    expect(formatSpan(-2_007_125n, true)).toBe('-2ms 7us 125ns');
    expect(formatSpan(0n, true)).toBe('+0s');
  });
});
