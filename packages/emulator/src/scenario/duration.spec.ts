import { describe, expect, it } from 'vitest';
import { formatDuration, formatUtc, formatVirtual, parseDuration, parseVirtual } from './duration.ts';

describe('parseDuration', () => {
  it.each([
    ['500ns', 500n],
    ['3us', 3_000n],
    ['250ms', 250_000_000n],
    ['5s', 5_000_000_000n],
    ['2min', 120_000_000_000n],
    ['1h', 3_600_000_000_000n],
    ['1d', 86_400_000_000_000n],
    ['1h 30min', 5_400_000_000_000n],
    ['1h30min', 5_400_000_000_000n],
    ['2 s', 2_000_000_000n],
    ['1.5s', 1_500_000_000n],
    ['0.5us', 500n],
    ['3650d', 315_360_000_000_000_000n], // ten years, past 2^53 ns
    ['1d 2h 3min 4s 5ms 6us 7ns', 93_784_005_006_007n],
  ])('%s = %s ns', (text, ns) => {
    expect(parseDuration(text)).toBe(ns);
  });

  it.each([
    ['5', 'needs a unit after 5'],
    ['', 'empty duration'],
    ['5 sec', 'bad duration "5 sec" at "5 sec"'],
    ['5sec', 'bad duration "5sec"'],
    ['1s 1h', 'largest first'],
    ['1s 2s', 'largest first'],
    ['0.5ns', 'not a whole number of nanoseconds'],
    ['-5s', 'bad duration'],
    ['5m', 'bad duration'],
  ])('rejects %j', (text, message) => {
    expect(() => parseDuration(text)).toThrow(message);
  });
});

describe('formatDuration', () => {
  it.each([
    [0n, '0s'],
    [120_000_000_000n, '2min'],
    [5_400_000_000_000n, '1h 30min'],
    [250_000_000n, '250ms'],
    [93_784_005_006_007n, '1d 2h 3min 4s 5ms 6us 7ns'],
  ])('%s ns is %s and parses back', (ns, text) => {
    expect(formatDuration(ns)).toBe(text);
    expect(parseDuration(text)).toBe(ns);
  });
});

describe('formatVirtual', () => {
  it('is h:mm:ss.mmm, hours growing past a day, truncated to ms', () => {
    expect(formatVirtual(0n)).toBe('T+0:00:00.000');
    expect(formatVirtual(1_500_000_250n, 9)).toBe('T+0:00:01.500000250');
    expect(formatVirtual(12_345_999_999n)).toBe('T+0:00:12.345');
    expect(formatVirtual(86_400_000_000_000n + 61_001_000_000n)).toBe('T+24:01:01.001');
  });
});

describe('parseVirtual and formatUtc', () => {
  it('reads T+ clock times and T+ durations, refuses bare clock times and numbers', () => {
    expect(parseVirtual('T+16:00:05.250')).toBe(57_605_250_000_000n);
    expect(parseVirtual('T+2min')).toBe(120_000_000_000n);
    expect(parseVirtual(formatVirtual(93_784_005_000_000n))).toBe(93_784_005_000_000n);
    expect(() => parseVirtual('06:00')).toThrow('"06:00" is a clock time; virtual times since power-on are written T+06:00 (UTC times as 2026-06-01T06:00:00Z)');
    expect(() => parseVirtual('120')).toThrow(/is not a virtual time/);
  });

  it('writes UTC as ISO 8601 with its Z', () => {
    expect(formatUtc(Date.parse('2026-06-01T06:00:00Z'))).toBe('2026-06-01T06:00:00.000Z');
  });
});
