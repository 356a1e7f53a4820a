// Intel HEX reader for flash images (Intel "Hexadecimal Object File Format
// Specification" rev. A): records `:LLAAAATT<data>CC`, types 00 data, 01 end
// of file, 02 extended segment address, 03 start segment address, 04 extended
// linear address, 05 start linear address. Start addresses are accepted and
// ignored (the AVR always starts at the reset vector).
import { FLASH_BYTES } from './atmega168-config.ts';

const RECORD_DATA = 0x00;
const RECORD_EOF = 0x01;
const RECORD_EXTENDED_SEGMENT = 0x02;
const RECORD_START_SEGMENT = 0x03;
const RECORD_EXTENDED_LINEAR = 0x04;
const RECORD_START_LINEAR = 0x05;

/** An unusable HEX file; the message reads `file:line: reason`. */
export class HexError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'HexError';
  }
}

export interface ParseIntelHexOptions {
  /** Flash size in bytes; data beyond it is rejected. Default 16 KB (ATmega168). */
  flashBytes?: number;
}

const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');
const hex = (n: number, width: number): string => `0x${n.toString(16).toUpperCase().padStart(width, '0')}`;

/** Parses an Intel HEX flash image into a flash-sized array (unprogrammed bytes read 0xFF). */
export function parseIntelHex(text: string, fileName = '<hex>', opts: ParseIntelHexOptions = {}): Uint8Array {
  const flashBytes = opts.flashBytes ?? FLASH_BYTES;
  const flash = new Uint8Array(flashBytes).fill(0xff);
  // Line number that first wrote each byte, to name both sides of an overlap.
  const writtenBy = new Uint32Array(flashBytes);
  const lines = text.split(/\r?\n/);
  let base = 0;
  let eofLine = 0;
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const fail = (reason: string): never => {
      throw new HexError(fileName, lineNo, reason);
    };
    const line = raw.trim();
    if (line === '') return;
    if (eofLine) fail(`record after the end-of-file record on line ${eofLine}`);
    if (line[0] !== ':') fail(`record does not start with ':' (found ${JSON.stringify(line.slice(0, 8))})`);
    const body = line.slice(1);
    if (!/^[0-9A-Fa-f]*$/.test(body)) fail('record contains a character that is not a hex digit');
    if (body.length % 2 !== 0) fail(`record has an odd number of hex digits (${body.length})`);
    if (body.length < 10) fail(`record is truncated: ${body.length / 2} bytes, a record has at least 5`);
    const bytes = Uint8Array.from(body.match(/../g)!, (b) => parseInt(b, 16));
    const length = bytes[0]!;
    if (bytes.length < length + 5) fail(`record is truncated: byte count says ${length} data bytes, only ${bytes.length - 5} present`);
    if (bytes.length > length + 5) fail(`record is too long: byte count says ${length} data bytes, ${bytes.length - 5} present`);
    const sum = bytes.reduce((a, b) => a + b, 0) & 0xff;
    if (sum !== 0) {
      const expected = (0x100 - ((sum - bytes[bytes.length - 1]!) & 0xff)) & 0xff;
      fail(`checksum mismatch: record says 0x${hex2(bytes[bytes.length - 1]!)}, contents give 0x${hex2(expected)}`);
    }
    const address = (bytes[1]! << 8) | bytes[2]!;
    const type = bytes[3]!;
    const data = bytes.subarray(4, 4 + length);
    switch (type) {
      case RECORD_DATA: {
        const start = base + address;
        if (start + length > flashBytes) {
          fail(`data at ${hex(start, 4)}..${hex(start + length - 1, 4)} lies beyond the ${flashBytes / 1024} KB flash`);
        }
        for (let i = 0; i < length; i++) {
          const prior = writtenBy[start + i]!;
          if (prior) fail(`data at ${hex(start + i, 4)} overlaps data already written by line ${prior}`);
          writtenBy[start + i] = lineNo;
          flash[start + i] = data[i]!;
        }
        break;
      }
      case RECORD_EOF:
        if (length !== 0) fail(`end-of-file record carries ${length} data bytes`);
        eofLine = lineNo;
        break;
      case RECORD_EXTENDED_SEGMENT:
      case RECORD_EXTENDED_LINEAR:
        if (length !== 2) fail(`extended address record has ${length} data bytes, expected 2`);
        base = ((data[0]! << 8) | data[1]!) * (type === RECORD_EXTENDED_SEGMENT ? 16 : 0x10000);
        break;
      case RECORD_START_SEGMENT:
      case RECORD_START_LINEAR:
        if (length !== 4) fail(`start address record has ${length} data bytes, expected 4`);
        break;
      default:
        fail(`unknown record type 0x${hex2(type)}`);
    }
  });
  if (!eofLine) {
    let last = lines.length;
    while (last > 1 && lines[last - 1]!.trim() === '') last--;
    throw new HexError(fileName, last, 'file ends without an end-of-file record (truncated?)');
  }
  return flash;
}
