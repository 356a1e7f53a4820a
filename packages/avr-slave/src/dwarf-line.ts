// The DWARF line-number program (.debug_line, DWARF 2-4 section 6.2, 32-bit
// format): a small state machine whose rows map code addresses to source
// file and line. avr-gcc 5 with -gdwarf-4 writes version 2 or 4 units.

export interface LineRow {
  /** Flash byte address. */
  address: number;
  file: string;
  line: number;
  /** The first address past a sequence of code (not a line of its own). */
  endSequence: boolean;
}

// Standard opcodes (DWARF 4, 6.2.5.2) and extended opcodes (6.2.5.3).
const DW_LNS_copy = 1;
const DW_LNS_advance_pc = 2;
const DW_LNS_advance_line = 3;
const DW_LNS_set_file = 4;
const DW_LNS_const_add_pc = 8;
const DW_LNS_fixed_advance_pc = 9;
const DW_LNE_end_sequence = 1;
const DW_LNE_set_address = 2;
const DW_LNE_define_file = 3;

/** Decodes every unit of a .debug_line section into rows sorted by address; `fail` names what is malformed. */
export function readLineTable(section: Uint8Array, fail: (reason: string) => never): LineRow[] {
  const view = new DataView(section.buffer, section.byteOffset, section.byteLength);
  const rows: LineRow[] = [];
  let unit = 0;
  while (unit < section.length) {
    const r = new Reader(section, view, unit, fail);
    const length = r.u32();
    if (length === 0xffffffff) fail(`unit at offset ${unit} uses the 64-bit DWARF format, which AVR tools never write`);
    const end = unit + 4 + length;
    if (end > section.length) fail(`unit at offset ${unit} claims ${length} bytes, past the end of the section`);
    const version = r.u16();
    if (version < 2 || version > 4) fail(`unit at offset ${unit} is DWARF version ${version}; versions 2 to 4 are read`);
    const headerLength = r.u32();
    const program = r.at + headerLength;
    const minInstructionLength = r.u8();
    if (version >= 4) r.u8(); // maximum_operations_per_instruction: 1 on non-VLIW targets
    r.u8(); // default_is_stmt: every row is kept
    const lineBase = (r.u8() << 24) >> 24;
    const lineRange = r.u8();
    const opcodeBase = r.u8();
    if (lineRange === 0) fail(`unit at offset ${unit} has line_range 0`);
    const opcodeLengths = [0];
    for (let i = 1; i < opcodeBase; i++) opcodeLengths.push(r.u8());
    const dirs = ['.'];
    for (let d = r.str(); d; d = r.str()) dirs.push(d);
    const files: string[] = [''];
    const addFile = (name: string, dir: number) => files.push(dir === 0 || name.startsWith('/') ? name : `${dirs[dir] ?? '.'}/${name}`);
    for (let name = r.str(); name; name = r.str()) {
      const dir = r.uleb();
      r.uleb(); // modification time
      r.uleb(); // length
      addFile(name, dir);
    }
    r.at = program;

    let address = 0;
    let file = 1;
    let line = 1;
    const emit = (endSequence: boolean) => rows.push({ address, file: files[file] ?? `file ${file}`, line, endSequence });
    const advance = (operationAdvance: number) => (address += operationAdvance * minInstructionLength);
    while (r.at < end) {
      const op = r.u8();
      if (op >= opcodeBase) {
        const adjusted = op - opcodeBase;
        advance(Math.floor(adjusted / lineRange));
        line += lineBase + (adjusted % lineRange);
        emit(false);
      } else if (op === 0) {
        const len = r.uleb();
        const next = r.at + len;
        const sub = r.u8();
        if (sub === DW_LNE_end_sequence) {
          emit(true);
          address = 0;
          file = 1;
          line = 1;
        } else if (sub === DW_LNE_set_address) {
          address = len === 3 ? r.u16() : r.u32();
        } else if (sub === DW_LNE_define_file) {
          const name = r.str();
          const dir = r.uleb();
          addFile(name, dir);
        }
        r.at = next;
      } else if (op === DW_LNS_copy) emit(false);
      else if (op === DW_LNS_advance_pc) advance(r.uleb());
      else if (op === DW_LNS_advance_line) line += r.sleb();
      else if (op === DW_LNS_set_file) file = r.uleb();
      else if (op === DW_LNS_const_add_pc) advance(Math.floor((255 - opcodeBase) / lineRange));
      else if (op === DW_LNS_fixed_advance_pc) address += r.u16();
      else for (let i = 0; i < opcodeLengths[op]!; i++) r.uleb(); // column, flags, ISA: not needed here
    }
    unit = end;
  }
  return rows.sort((a, b) => a.address - b.address || Number(a.endSequence) - Number(b.endSequence));
}

class Reader {
  constructor(
    private readonly bytes: Uint8Array,
    private readonly view: DataView,
    public at: number,
    private readonly fail: (reason: string) => never,
  ) {}

  private need(n: number): number {
    if (this.at + n > this.bytes.length) this.fail(`truncated at offset ${this.at}`);
    const at = this.at;
    this.at += n;
    return at;
  }
  u8(): number {
    return this.bytes[this.need(1)]!;
  }
  u16(): number {
    return this.view.getUint16(this.need(2), true);
  }
  u32(): number {
    return this.view.getUint32(this.need(4), true);
  }
  uleb(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.u8();
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(b & 0x80)) return result;
    }
  }
  sleb(): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.u8();
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return b & 0x40 ? result - 2 ** shift : result;
  }
  str(): string {
    const start = this.at;
    while (this.at < this.bytes.length && this.bytes[this.at] !== 0) this.at++;
    if (this.at >= this.bytes.length) this.fail(`unterminated string at offset ${start}`);
    return Buffer.from(this.bytes.subarray(start, this.at++)).toString('latin1');
  }
}
