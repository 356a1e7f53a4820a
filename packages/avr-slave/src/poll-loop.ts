// Finds the places where the core can idle: SLEEP instructions and short
// backward-branch loops that may be pure polling loops (e.g. avr-gcc's
// `1: in r24,SPSR / sbrs r24,SPIF / rjmp 1b`). Whether a candidate really is
// one is decided at run time by executing one iteration (see run-loop.ts);
// this file only says which instructions may appear in such an iteration.
// Opcode encodings: AVR Instruction Set Manual (Atmel-0856).
import type { CPU } from 'avr8js';
import { RAMEND, TCNT0, TCNT1H, TCNT1L, TCNT2 } from './atmega168-config.ts';

export const MARK_SLEEP = 1;
export const MARK_LOOP = 2;
/** Longest loop body, in words, considered a polling-loop candidate. */
export const MAX_LOOP_WORDS = 16;

const OPCODE_SLEEP = 0x9588;

/** Registers whose value moves with the clock without a scheduled event (avr8js counts timers lazily on read). */
const TIME_VARYING = new Set([TCNT0, TCNT1L, TCNT1H, TCNT2]);

export interface ProgramMarks {
  /** Per flash word: 0, MARK_SLEEP or MARK_LOOP (a backward-branch target). */
  marks: Uint8Array;
  /** Loop head -> word address of the nearest branch back to it (the innermost loop). */
  loopEnds: Map<number, number>;
}

/** Scans flash for SLEEP words and short backward RJMP/BRBS/BRBC loops. */
export function scanProgram(progMem: Uint16Array): ProgramMarks {
  const marks = new Uint8Array(progMem.length);
  const loopEnds = new Map<number, number>();
  for (let pc = 0; pc < progMem.length; pc++) {
    const op = progMem[pc]!;
    let offset = 0;
    if (op === OPCODE_SLEEP) {
      marks[pc] = MARK_SLEEP;
      continue;
    } else if ((op & 0xf000) === 0xc000) {
      offset = ((op & 0xfff) << 20) >> 20; // RJMP k, 12-bit signed
    } else if ((op & 0xf800) === 0xf000) {
      offset = ((op & 0x3f8) << 22) >> 25; // BRBS/BRBC k, 7-bit signed
    }
    if (offset >= 0 || -offset > MAX_LOOP_WORDS) continue;
    const head = pc + 1 + offset;
    if (marks[head] === MARK_SLEEP || loopEnds.has(head) || !straightLineIsPollSafe(progMem, head, pc)) continue;
    marks[head] = MARK_LOOP;
    loopEnds.set(head, pc);
  }
  return { marks, loopEnds };
}

/** LDS, STS, JMP and CALL take a second flash word. */
export const isTwoWord = (op: number): boolean => (op & 0xfc0f) === 0x9000 || (op & 0xfe0c) === 0x940c; // LDS/STS, JMP/CALL

/** Whether every instruction from `head` to `end` could belong to a polling loop (by opcode alone). */
function straightLineIsPollSafe(progMem: Uint16Array, head: number, end: number): boolean {
  for (let pc = head; pc <= end; pc += isTwoWord(progMem[pc]!) ? 2 : 1) {
    if (classifyOpcode(progMem[pc]!, 0, 0, 0) === NOT_POLL_SAFE) return false;
  }
  return true;
}

const NOT_POLL_SAFE = -1;
const NO_MEMORY_READ = -2;

/** Data address a pure polling iteration may read, or false when reading it could change state or drift. */
export function isEventOnlyAddress(addr: number): boolean {
  return addr <= RAMEND && !TIME_VARYING.has(addr);
}

/**
 * Classifies the instruction at `pc`: NOT_POLL_SAFE when it writes memory or I/O,
 * moves the stack, changes SREG.I or otherwise has effects outside the register
 * file; otherwise the data address it reads (or NO_MEMORY_READ).
 */
function classify(cpu: CPU, pc: number): number {
  const { data } = cpu;
  const y = data[28]! | (data[29]! << 8);
  const z = data[30]! | (data[31]! << 8);
  const x = data[26]! | (data[27]! << 8);
  const op = cpu.progMem[pc]!;
  return classifyOpcode(op, (op & 0xfe0f) === 0x9000 ? cpu.progMem[pc + 1]! : 0, op & 8 ? y : z, x);
}

/** `k` is the second word of LDS, `yz` the Y or Z pointer an LDD uses, `x` the X pointer. */
function classifyOpcode(op: number, k: number, yz: number, x: number): number {
  if (op < 0x8000) return NO_MEMORY_READ; // NOP, MOVW, MUL*, ALU on registers, CPI/SBCI/SUBI/ORI/ANDI
  if ((op & 0xd200) === 0x8000) return yz + ((op & 7) | ((op & 0xc00) >> 7) | ((op & 0x2000) >> 8)); // LDD Rd, Y+q / Z+q
  if ((op & 0xfe0f) === 0x9000) return k; // LDS Rd, k
  if ((op & 0xfe0f) === 0x900c) return x; // LD Rd, X
  if ((op & 0xfe0e) === 0x9004 || op === 0x95c8) return NO_MEMORY_READ; // LPM Rd, Z / LPM
  if ((op & 0xfe08) === 0x9400 && (op & 0xf) !== 4) return NO_MEMORY_READ; // COM NEG SWAP INC ASR LSR ROR (not SLEEP/WDR/...)
  if ((op & 0xfe0f) === 0x940a) return NO_MEMORY_READ; // DEC
  if ((op & 0xfe0e) === 0x940c) return NO_MEMORY_READ; // JMP k
  if ((op & 0xfe00) === 0x9600) return NO_MEMORY_READ; // ADIW, SBIW
  if ((op & 0xfd00) === 0x9900) return ((op & 0xf8) >> 3) + 0x20; // SBIC, SBIS
  if ((op & 0xfc00) === 0x9c00) return NO_MEMORY_READ; // MUL
  if ((op & 0xf800) === 0xb000) return ((op & 0xf) | ((op & 0x600) >> 5)) + 0x20; // IN Rd, A
  if ((op & 0xf000) === 0xc000 || (op & 0xf000) === 0xe000) return NO_MEMORY_READ; // RJMP, LDI
  if ((op & 0xf000) === 0xf000) return NO_MEMORY_READ; // BRBS/BRBC, BLD/BST, SBRC/SBRS
  return NOT_POLL_SAFE;
}

/** Whether the instruction at `pc` may be part of a pure polling loop. */
export function isPollSafe(cpu: CPU, pc: number): boolean {
  const read = classify(cpu, pc);
  return read === NO_MEMORY_READ || (read >= 0 && isEventOnlyAddress(read));
}
