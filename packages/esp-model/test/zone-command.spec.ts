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

describe('ArduinoString: the ESP8266 core String with NUL, 0x80-0xFF and 256-byte buffers', () => {
  const s = (t: string) => new ArduinoString(t);
  const long = (n: number) => '7'.repeat(n);

  it('keeps every byte: length() counts NULs and high bytes, fromBytes honours the length', () => {
    expect(ArduinoString.fromBytes(bytes('2\0 120')).length()).toBe(6);
    expect(ArduinoString.fromBytes(bytes('\xa0\xff\x80')).length()).toBe(3);
    expect(ArduinoString.fromBytes(bytes(long(256))).length()).toBe(256);
    expect(ArduinoString.fromBytes(bytes(long(256)), 255).length()).toBe(255);
  });

  it('trim() goes by the stored length; NUL and 0x80-0xFF are not isspace()', () => {
    expect(s('  \0  ').trim().toString()).toBe('\0');
    expect(s(' \xa02 1\xa0 ').trim().toString()).toBe('\xa02 1\xa0');
    expect(s(`\t${long(254)}\n`).trim().length()).toBe(254);
  });

  it('indexOf(char) is strchr(): nothing past the first NUL is found', () => {
    expect(s('2\0 120').indexOf(' ')).toBe(-1);
    expect(s('2 \0 120').indexOf(' ')).toBe(1);
    expect(s('2 \0 120').indexOf(' ', 2)).toBe(-1);
    expect(s('2\xa0120').indexOf(' ')).toBe(-1);
    expect(s(`${long(255)} `).indexOf(' ')).toBe(255);
    expect(s(`${long(255)} `).indexOf(' ', 256)).toBe(-1);
  });

  it('substring() copies a C string: it ends at the first NUL of the range', () => {
    expect(s('2 \x00120').substring(2).toString()).toBe('');
    expect(s('2 1\x0020').substring(2).toString()).toBe('1');
    expect(s('2 \xff1').substring(2).toString()).toBe('\xff1');
    expect(s(long(256)).substring(255).toString()).toBe('7');
  });

  it('toInt() is atol(): stops at NUL or a high byte, saturates on 256 digits', () => {
    expect(s('12\x0034').toInt()).toBe(12);
    expect(s('\xa012').toInt()).toBe(0);
    expect(s('12\xb3').toInt()).toBe(12);
    expect(s(long(256)).toInt()).toBe(2147483647);
  });

  it('concatenation copies len() bytes (NULs included); == compares lengths, then strcmp()', () => {
    expect(s('zoneIndexStr=').concat(s('2\0 1')).concat(', durationStr=').toString()).toBe('zoneIndexStr=2\0 1, durationStr=');
    expect(s('a\0b').equals('a\0c')).toBe(true); // strcmp stops at the NUL
    expect(s('a\0b').equals('a')).toBe(false); // lengths differ
    expect(s('irrigation/zone/on').equals('irrigation/zone/on')).toBe(true);
  });

  it('parses callbackZoneOn payloads with C-string semantics', () => {
    expect(parseZoneCommand(bytes('2\0 120'))).toMatchObject({ action: 'ignore', why: 'Invalid Payload! zoneIndexStr=2\0 120, durationStr=' });
    expect(parseZoneCommand(bytes('2 \x00120'))).toMatchObject({ action: 'ignore' });
    expect(parseZoneCommand(bytes('2 120\0'))).toMatchObject({ action: 'on', zone: 2, seconds: 120 });
    expect(parseZoneCommand(bytes('\xa02 120'))).toMatchObject({ action: 'on', zone: 0, seconds: 120 });
    expect(parseZoneCommand(bytes(`5 ${'0'.repeat(230)}9`))).toMatchObject({ action: 'on', zone: 5, seconds: 9 });
  });
});
