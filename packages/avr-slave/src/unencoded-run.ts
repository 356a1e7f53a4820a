// Flash words avr8js has no encoding for — above all erased flash, which reads
// 0xffff after Chip Erase (datasheet 28.8.2) — only move the program
// counter on, one cycle each (avr8js src/cpu/instruction.ts: no `if` matches,
// the epilogue still runs). A half-programmed AVR (power lost during ISP) runs
// thousands of them per pass around its flash; decoding them one at a time,
// each its own block, costs a call per cycle. A run of them is skipped in one
// step instead, stopping exactly where avr8js's tick() would next act.
import type { CPU } from 'avr8js';
import { deliverableInterrupt, headClockEvent } from './cpu-internals.ts';

/**
 * Executes the words from cpu.pc up to `end` (exclusive), or fewer: after each
 * instruction CPU.tick() fires a due clock event, takes a deliverable interrupt,
 * or the run loop reaches `target`. Nothing in the run changes what tick() sees
 * but the cycle count, so the stop is found by arithmetic; the first word always runs.
 */
export function skipUnencoded(cpu: CPU, target: number, end: number): void {
  const length = end - cpu.pc;
  let due = target;
  const event = headClockEvent(cpu);
  if (event !== null && event.cycles < due) due = event.cycles;
  let n = deliverableInterrupt(cpu) >= 0 ? 1 : due - cpu.cycles;
  if (n < 1) n = 1;
  else if (n > length) n = length;
  cpu.pc = (cpu.pc + n) % cpu.progMem.length;
  cpu.cycles += n;
}
