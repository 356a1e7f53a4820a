// Intel HEX and ELF under arbitrary input.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HexError, parseIntelHex } from '../src/intel-hex.ts';
import { ElfError, parseElf } from '../src/elf.ts';
import { FLASH_BYTES } from '../src/atmega168-config.ts';
import { assertParser, bytesNear, textNear } from '../../../scripts/reliability/fuzz.ts';

const AVR = join(import.meta.dirname, '../../../fixtures/avr');

describe('fuzz: firmware images', () => {
  it('Intel HEX: a flash image of the ATmega168 size, or a HexError at fuzz.hex:line', () => {
    const hex = readFileSync(join(AVR, 'relay-slave.hex'), 'utf8');
    assertParser(textNear([hex, ':020000040000FA\n:00000001FF\n']), {
      parse: (t) => parseIntelHex(t, 'fuzz.hex'),
      ownError: (e) => e instanceof HexError && e.file === 'fuzz.hex' && Number.isInteger(e.line) && e.message.startsWith(`fuzz.hex:${e.line}: `),
      valid: (image) => expect((image as Uint8Array).length).toBe(FLASH_BYTES),
    });
  });

  it('ELF: a program, or an ElfError naming fuzz.elf', () => {
    const elf = new Uint8Array(readFileSync(join(AVR, 'relay-slave.elf')));
    assertParser(bytesNear([elf], 1024), {
      parse: (b) => parseElf(b, 'fuzz.elf'),
      ownError: (e) => e instanceof ElfError && e.message.startsWith('fuzz.elf: '),
    }, 200);
  });
});
