import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUNDLED_ELF, BUNDLED_HEX } from './bundled.ts';
import { ElfError, functionAt, lineAt, parseElf, symbolAddress } from './elf.ts';
import { parseIntelHex } from './intel-hex.ts';

const elfBytes = () => new Uint8Array(readFileSync(BUNDLED_ELF));
const PHOFF = 52; // avr-ld puts the program headers right after the ELF header

function expectElfError(bytes: Uint8Array, message: RegExp): void {
  let error: unknown;
  try {
    parseElf(bytes, 'bad.elf');
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ElfError);
  expect((error as Error).message).toMatch(/^bad\.elf: /);
  expect((error as Error).message).toMatch(message);
}

describe('parseElf', () => {
  it('loads the same flash as the bundled .hex built from the same source', () => {
    const elf = parseElf(elfBytes(), BUNDLED_ELF);
    expect(elf.flash).toEqual(parseIntelHex(readFileSync(BUNDLED_HEX.sleep, 'utf8')));
  });

  it('names functions and source lines as avr-objdump does', () => {
    const elf = parseElf(elfBytes());
    expect(symbolAddress(elf, '__vector_17')).toBe(0x80);
    expect(symbolAddress(elf, 'main')).toBe(0x9e);
    expect(functionAt(elf, 0x8e)).toEqual({ name: '__vector_17', offset: 0x0e });
    expect(lineAt(elf, 0x8e)).toMatchObject({ file: 'relay-slave.c', line: 29 }); // PORTD = value (inlined relays_set)
    expect(lineAt(elf, 0x92)).toMatchObject({ line: 38 });
    expect(lineAt(elf, 0x10)).toBeUndefined(); // the vector table has no source line
  });

  it('rejects what is not an AVR executable, saying what and where', () => {
    expectElfError(new Uint8Array(10), /too short/);
    expectElfError(new TextEncoder().encode(':100000000C9434000C943E000C943E000C943E0082\n'.repeat(3)), /not an ELF file/);
    const arm = elfBytes();
    arm[18] = 40; // EM_ARM
    expectElfError(arm, /e_machine 40 at offset 18 is not AVR \(83\)/);
    const object = elfBytes();
    object[16] = 1; // ET_REL
    expectElfError(object, /e_type 1 at offset 16 is not an executable/);
    const big = elfBytes();
    new DataView(big.buffer).setUint32(PHOFF + 12, 0x3fc0, true); // .text's load address near the end of flash
    expectElfError(big, /program header 0 \(offset 52\): segment at flash 0x3fc0\.\.0x408a does not fit the 16 KB flash/);
    const noLoad = elfBytes();
    noLoad[PHOFF] = 0; // PT_NULL
    noLoad[PHOFF + 32] = 0;
    expectElfError(noLoad, /no loadable \(PT_LOAD\) segment/);
    expectElfError(elfBytes().subarray(0, 200), /past the end of the file/);
  });
});
