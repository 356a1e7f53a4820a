import { describe, expect, it } from 'vitest';
import { HexError, parseIntelHex } from './intel-hex.ts';

/** Builds one record with a correct checksum. */
function record(type: number, address: number, data: number[]): string {
  const bytes = [data.length, address >> 8, address & 0xff, type, ...data];
  const sum = (0x100 - (bytes.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
  return ':' + [...bytes, sum].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
}
const EOF_RECORD = ':00000001FF';

function hexError(text: string): HexError {
  try {
    parseIntelHex(text, 'fw.hex');
  } catch (e) {
    expect(e).toBeInstanceOf(HexError);
    return e as HexError;
  }
  throw new Error('expected a HexError');
}

describe('parseIntelHex', () => {
  it('places data records at their addresses, unprogrammed flash reads 0xFF', () => {
    const flash = parseIntelHex([record(0, 0x0000, [0x0c, 0x94]), record(0, 0x0010, [1, 2, 3]), EOF_RECORD].join('\n'));
    expect(flash.length).toBe(16 * 1024);
    expect([...flash.subarray(0, 3)]).toEqual([0x0c, 0x94, 0xff]);
    expect([...flash.subarray(0x10, 0x13)]).toEqual([1, 2, 3]);
  });

  it('applies extended segment (x16) and extended linear (x65536) base addresses', () => {
    const flash = parseIntelHex([record(2, 0, [0x01, 0x00]), record(0, 0x0004, [0xaa]), EOF_RECORD].join('\r\n'));
    expect(flash[0x1004]).toBe(0xaa);
    const linear = parseIntelHex([record(4, 0, [0, 0]), record(0, 0x3fff, [0x55]), EOF_RECORD].join('\n'));
    expect(linear[0x3fff]).toBe(0x55);
  });

  it('accepts start address records and blank lines', () => {
    const flash = parseIntelHex(['', record(0, 0, [7]), record(3, 0, [0, 0, 0, 0]), record(5, 0, [0, 0, 0, 0]), EOF_RECORD, ''].join('\n'));
    expect(flash[0]).toBe(7);
  });

  it('rejects a checksum mismatch with the line number', () => {
    const bad = record(0, 0, [1, 2]).slice(0, -2) + '00';
    const e = hexError([record(0, 0x20, [9]), bad, EOF_RECORD].join('\n'));
    expect(e.message).toMatch(/^fw\.hex:2: checksum mismatch: record says 0x00, contents give 0x/);
    expect(e.line).toBe(2);
  });

  it('rejects an unknown record type', () => {
    expect(hexError([record(0, 0, [1]), record(6, 0, [1]), EOF_RECORD].join('\n')).message).toBe('fw.hex:2: unknown record type 0x06');
  });

  it('rejects data beyond the 16 KB flash', () => {
    expect(hexError([record(0, 0x3ffe, [1, 2, 3]), EOF_RECORD].join('\n')).message).toBe(
      'fw.hex:1: data at 0x3FFE..0x4000 lies beyond the 16 KB flash',
    );
    expect(hexError([record(4, 0, [0, 1]), record(0, 0, [1]), EOF_RECORD].join('\n')).message).toMatch(/^fw\.hex:2: data at 0x10000/);
  });

  it('rejects overlapping data, naming the line that wrote first', () => {
    const e = hexError([record(0, 0x100, [1, 2, 3, 4]), record(0, 0, [0]), record(0, 0x102, [9]), EOF_RECORD].join('\n'));
    expect(e.message).toBe('fw.hex:3: data at 0x0102 overlaps data already written by line 1');
  });

  it('rejects a file without an end-of-file record (truncated file)', () => {
    expect(hexError([record(0, 0, [1]), record(0, 1, [2]), '', ''].join('\n')).message).toBe(
      'fw.hex:2: file ends without an end-of-file record (truncated?)',
    );
  });

  it('rejects truncated records and malformed lines', () => {
    const full = record(0, 0, [1, 2, 3, 4]);
    expect(hexError([full.slice(0, -4), EOF_RECORD].join('\n')).message).toBe(
      'fw.hex:1: record is truncated: byte count says 4 data bytes, only 2 present',
    );
    expect(hexError(':0000').message).toBe('fw.hex:1: record is truncated: 2 bytes, a record has at least 5');
    expect(hexError('00000001FF').message).toMatch(/^fw\.hex:1: record does not start with ':'/);
    expect(hexError(':00000001FG').message).toBe('fw.hex:1: record contains a character that is not a hex digit');
    expect(hexError([EOF_RECORD, record(0, 0, [1])].join('\n')).message).toBe('fw.hex:2: record after the end-of-file record on line 1');
  });
});
