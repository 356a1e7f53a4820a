import { describe, expect, it } from 'vitest';
import { ArduinoString, atol } from '../src/firmware/arduino-string.ts';
import { parseZoneCommand } from '../src/firmware/zone-command.ts';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

describe('irrigation/zone/on payload (Arduino String trim/indexOf/substring/toInt)', () => {
  it.each([
    ['2 120', { action: 'on', zone: 2, seconds: 120, durationMs: 120_000 }],
    [' 2 120 ', { action: 'on', zone: 2, seconds: 120, durationMs: 120_000 }],
    ['2', { action: 'ignore' }],
    ['', { action: 'ignore' }],
    ['abc 10', { action: 'on', zone: 0, seconds: 10, durationMs: 10_000 }], // toInt("abc") == 0
    ['9 10', { action: 'ignore' }],
    ['8 10', { action: 'ignore' }],
    ['7 10', { action: 'on', zone: 7, seconds: 10, durationMs: 10_000 }],
    ['2 -5', { action: 'off', zone: 2 }],
    ['2 0', { action: 'off', zone: 2 }],
    ['2 12x', { action: 'on', zone: 2, seconds: 12, durationMs: 12_000 }],
    ['2  120', { action: 'on', zone: 2, seconds: 120, durationMs: 120_000 }], // atol skips the second space
    ['2 abc', { action: 'off', zone: 2 }],
    ['\t3\t45\r\n', { action: 'ignore' }], // no ' ' after trim: the tab is not a space for indexOf
    ['3 45\r\n', { action: 'on', zone: 3, seconds: 45, durationMs: 45_000 }],
    ['-1 10', { action: 'ignore' }],
    ['+4 +7', { action: 'on', zone: 4, seconds: 7, durationMs: 7_000 }],
  ])('%j', (payload, expected) => {
    expect(parseZoneCommand(bytes(payload))).toMatchObject(expected);
  });

  it('honours the length argument and stops toInt at an embedded NUL', () => {
    expect(parseZoneCommand(bytes('1 30 trailing'), 4)).toMatchObject({ action: 'on', zone: 1, seconds: 30 });
    expect(parseZoneCommand(bytes('1 3\u00000'))).toMatchObject({ action: 'on', zone: 1, seconds: 3 });
  });

  it('computes seconds * 1000UL modulo 2^32 like the C++', () => {
    expect(parseZoneCommand(bytes('1 4294968'))).toMatchObject({ action: 'on', durationMs: (4294968 * 1000) % 2 ** 32 });
  });
});

describe('ArduinoString / atol', () => {
  it('atol saturates at LONG_MAX/LONG_MIN and reads sign and leading space', () => {
    expect(atol('  42abc')).toBe(42);
    expect(atol('-17')).toBe(-17);
    expect(atol('99999999999')).toBe(2147483647);
    expect(atol('-99999999999')).toBe(-2147483648);
    expect(atol('x1')).toBe(0);
    expect(atol('-')).toBe(0);
  });

  it('substring swaps reversed bounds and clamps', () => {
    const s = new ArduinoString('hello');
    expect(s.substring(3, 1).toString()).toBe('el');
    expect(s.substring(2, 99).toString()).toBe('llo');
    expect(s.substring(9).toString()).toBe('');
    expect(s.indexOf('l')).toBe(2);
    expect(s.indexOf('z')).toBe(-1);
  });
});
