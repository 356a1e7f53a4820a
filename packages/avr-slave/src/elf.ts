// ELF reader for AVR executables (System V ABI "ELF Object File Format",
// ELF32, little-endian, e_machine EM_AVR 83), as avr-gcc links them:
// flash comes from the PT_LOAD program headers at their physical (load)
// address, so .data's initial values land after .text where __do_copy_data
// finds them. Segments that load into the data space (0x800000) carry no
// bytes, and the EEPROM segment (0x810000) is not flash: both are skipped,
// as `avr-objcopy -O ihex -R .eeprom` does. The symbol table and the DWARF
// line table are read when present, so a debugger and esphil name the same
// functions and source lines.
import { FLASH_BYTES } from './atmega168-config.ts';
import { readLineTable, type LineRow } from './dwarf-line.ts';

const ELF_MAGIC = 0x464c457f; // "\x7fELF" read little-endian
const ELFCLASS32 = 1;
const ELFDATA2LSB = 1;
const ET_EXEC = 2;
const EM_AVR = 83;
const PT_LOAD = 1;
const SHT_SYMTAB = 2;
const SHT_NOBITS = 8;
const STT_OBJECT = 1;
const STT_FUNC = 2;
/** avr-gcc's data-space and EEPROM origins in the ELF's single address space (avr-gdb uses the same). */
export const AVR_DATA_ORIGIN = 0x800000;
export const AVR_EEPROM_ORIGIN = 0x810000;

/** An unusable ELF file; the message says what is wrong and where in the file. */
export class ElfError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'ElfError';
  }
}

export interface ElfSymbol {
  name: string;
  /** Byte address: flash for functions, data space (0x800000 + address) for objects. */
  address: number;
  size: number;
  kind: 'function' | 'object';
}

export interface AvrElf {
  /** Flash image (unprogrammed bytes read 0xFF), FLASH_BYTES long. */
  flash: Uint8Array;
  symbols: ElfSymbol[];
  /** DWARF line rows sorted by address; empty without debug info. */
  lines: LineRow[];
}

export interface ParseElfOptions {
  /** Flash size in bytes; default 16 KB (ATmega168). */
  flashBytes?: number;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** Reads an AVR executable into a flash image plus its symbols and line table. Throws ElfError. */
export function parseElf(bytes: Uint8Array, fileName = '<elf>', opts: ParseElfOptions = {}): AvrElf {
  const flashBytes = opts.flashBytes ?? FLASH_BYTES;
  const fail = (reason: string): never => {
    throw new ElfError(fileName, reason);
  };
  if (bytes.length < 52) fail(`${bytes.length} bytes is too short for an ELF header (52 bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== ELF_MAGIC) fail('not an ELF file (no \\x7fELF magic at offset 0)');
  if (bytes[4] !== ELFCLASS32) fail(`EI_CLASS ${bytes[4]} at offset 4: AVR executables are ELF32 (1)`);
  if (bytes[5] !== ELFDATA2LSB) fail(`EI_DATA ${bytes[5]} at offset 5: AVR executables are little-endian (1)`);
  const type = view.getUint16(16, true);
  const machine = view.getUint16(18, true);
  if (machine !== EM_AVR) fail(`e_machine ${machine} at offset 18 is not AVR (${EM_AVR}); this ELF is for another processor`);
  if (type !== ET_EXEC) fail(`e_type ${type} at offset 16 is not an executable (ET_EXEC ${ET_EXEC}); link the object first`);
  const u32 = (at: number, what: string): number => {
    if (at + 4 > bytes.length) fail(`${what} at offset ${at} lies past the end of the file (${bytes.length} bytes)`);
    return view.getUint32(at, true);
  };
  const u16 = (at: number, what: string): number => {
    if (at + 2 > bytes.length) fail(`${what} at offset ${at} lies past the end of the file (${bytes.length} bytes)`);
    return view.getUint16(at, true);
  };

  const phoff = u32(28, 'e_phoff');
  const phentsize = u16(42, 'e_phentsize');
  const phnum = u16(44, 'e_phnum');
  const flash = new Uint8Array(flashBytes).fill(0xff);
  let loaded = 0;
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    const where = `program header ${i} (offset ${ph})`;
    if (u32(ph, where) !== PT_LOAD) continue;
    const offset = u32(ph + 4, where);
    const paddr = u32(ph + 12, where);
    const filesz = u32(ph + 16, where);
    if (filesz === 0 || paddr >= AVR_DATA_ORIGIN) continue; // .bss/.noinit, or EEPROM contents
    if (offset + filesz > bytes.length) fail(`${where}: segment bytes ${hex(offset)}..${hex(offset + filesz)} lie past the end of the file (${bytes.length} bytes)`);
    if (paddr + filesz > flashBytes) {
      fail(`${where}: segment at flash ${hex(paddr)}..${hex(paddr + filesz)} does not fit the ${flashBytes / 1024} KB flash (ends ${paddr + filesz - flashBytes} bytes past it)`);
    }
    flash.set(bytes.subarray(offset, offset + filesz), paddr);
    loaded++;
  }
  if (loaded === 0) fail(`no loadable (PT_LOAD) segment with flash contents among ${phnum} program headers`);

  const sections = readSections(bytes, fail, u32, u16);
  return {
    flash,
    symbols: readSymbols(bytes, view, sections),
    lines: sections.debugLine ? readLineTable(bytes.subarray(sections.debugLine.offset, sections.debugLine.offset + sections.debugLine.size), (r) => fail(`.debug_line: ${r}`)) : [],
  };
}

interface Section {
  type: number;
  offset: number;
  size: number;
  link: number;
  entsize: number;
}

function readSections(
  bytes: Uint8Array,
  fail: (reason: string) => never,
  u32: (at: number, what: string) => number,
  u16: (at: number, what: string) => number,
): { all: Section[]; debugLine?: Section } {
  const shoff = u32(32, 'e_shoff');
  const shentsize = u16(46, 'e_shentsize');
  const shnum = u16(48, 'e_shnum');
  const shstrndx = u16(50, 'e_shstrndx');
  if (shoff === 0 || shnum === 0) return { all: [] };
  const all: (Section & { name: number })[] = [];
  for (let i = 0; i < shnum; i++) {
    const sh = shoff + i * shentsize;
    const where = `section header ${i} (offset ${sh})`;
    const s = { name: u32(sh, where), type: u32(sh + 4, where), offset: u32(sh + 16, where), size: u32(sh + 20, where), link: u32(sh + 24, where), entsize: u32(sh + 36, where) };
    if (s.type !== SHT_NOBITS && s.offset + s.size > bytes.length) fail(`${where}: contents lie past the end of the file`);
    all.push(s);
  }
  const names = all[shstrndx];
  const debugLine = names ? all.find((s) => cString(bytes, names.offset + s.name) === '.debug_line') : undefined;
  return { all, ...(debugLine ? { debugLine } : {}) };
}

function readSymbols(bytes: Uint8Array, view: DataView, sections: { all: Section[] }): ElfSymbol[] {
  const symtab = sections.all.find((s) => s.type === SHT_SYMTAB);
  const strtab = symtab ? sections.all[symtab.link] : undefined;
  if (!symtab || !strtab || symtab.entsize < 16) return [];
  const symbols: ElfSymbol[] = [];
  for (let at = symtab.offset; at + 16 <= symtab.offset + symtab.size; at += symtab.entsize) {
    const type = bytes[at + 12]! & 0xf;
    if (type !== STT_FUNC && type !== STT_OBJECT) continue;
    const name = cString(bytes, strtab.offset + view.getUint32(at, true));
    if (name) symbols.push({ name, address: view.getUint32(at + 4, true), size: view.getUint32(at + 8, true), kind: type === STT_FUNC ? 'function' : 'object' });
  }
  return symbols.sort((a, b) => a.address - b.address);
}

function cString(bytes: Uint8Array, at: number): string {
  let end = at;
  while (end < bytes.length && bytes[end] !== 0) end++;
  return Buffer.from(bytes.subarray(at, end)).toString('latin1');
}

/** The function containing a flash byte address, with the offset into it. */
export function functionAt(elf: Pick<AvrElf, 'symbols'>, address: number): { name: string; offset: number } | undefined {
  let best: ElfSymbol | undefined;
  for (const s of elf.symbols) {
    if (s.kind !== 'function' || s.address > address) continue;
    if (address < s.address + Math.max(s.size, 1)) best = s;
  }
  return best ? { name: best.name, offset: address - best.address } : undefined;
}

/** The source line whose code contains a flash byte address (the last row at or before it). */
export function lineAt(elf: Pick<AvrElf, 'lines'>, address: number): LineRow | undefined {
  let found: LineRow | undefined;
  for (const row of elf.lines) {
    if (row.address > address) break;
    found = row.endSequence ? undefined : row;
  }
  return found;
}

/** A function symbol's flash byte address, by name. */
export function symbolAddress(elf: Pick<AvrElf, 'symbols'>, name: string): number | undefined {
  return elf.symbols.find((s) => s.kind === 'function' && s.name === name)?.address;
}
