// Straight-line runs of flash ("basic blocks") compiled to JavaScript, so the
// core does not decode an instruction each time it runs it. A block is
// avr8js's own instruction bodies (instruction-set.ts) one after another, each
// with its opcode as a constant, ending at the first branch, jump, call, skip
// or return, or before a word the run loop watches (SLEEP, polling-loop head)
// or a word avr8js has no encoding for (erased flash: unencoded-run.ts, one
// block per run of them).
//
// Cycle for cycle it is avr8js's `avrInstruction(cpu); cpu.tick()` loop: after
// each instruction the block returns to the run loop, which ticks, whenever
// that tick would do anything (a clock event due, an interrupt it would take)
// or the cycle target is reached; otherwise tick() would do nothing and the
// next instruction follows at once.
//
// Blocks are cached per start address. After flash changes they are all
// dropped (ATmega168.writeFlash, the one path for loadProgram and ISP, has
// RunLoop.rescan() call invalidate() before the core next runs).
import type { CPU } from 'avr8js';
import { EPILOGUE, instructionSet, type InstructionSet } from './instruction-set.ts';
import { isTwoWord } from './poll-loop.ts';
import { skipUnencoded } from './unencoded-run.ts';

/** Runs instructions from cpu.pc until a tick is due or cycles >= target. */
export type Block = (cpu: CPU, target: number) => void;

/** Longest block, in instructions: long enough to amortise the call, short enough to compile quickly. */
const MAX_BLOCK_INSTRUCTIONS = 48;

/** What CPU.tick() would act on (avr8js src/cpu/cpu.ts), or the target: return to the run loop. */
const TICK_DUE =
  'if (cpu.cycles >= target || (cpu.nextClockEvent !== null && cpu.nextClockEvent.cycles <= cpu.cycles)' +
  ' || (cpu.nextInterrupt >= 0 && (cpu.data[95] & 0x80))) return;';

type BlockFactory = (isTwoWordInstruction: (opcode: number) => boolean) => Block;

export class BlockCache {
  private blocks: (Block | undefined)[];
  private readonly set: InstructionSet = instructionSet();
  /** Blocks compiled since the last invalidate(), for tests and statistics. */
  compiled = 0;

  constructor(
    private readonly cpu: CPU,
    /** Whether the run loop must see this word itself (a block ends before it). */
    private readonly watched: (pc: number) => boolean,
  ) {
    this.blocks = new Array<Block | undefined>(cpu.progMem.length);
  }

  /** Flash changed: every compiled block may be stale. */
  invalidate(): void {
    this.blocks = new Array<Block | undefined>(this.cpu.progMem.length);
    this.compiled = 0;
  }

  /** Runs the block at cpu.pc (compiling it first if needed). */
  run(target: number): void {
    const { cpu } = this;
    (this.blocks[cpu.pc] ?? this.compile(cpu.pc))(cpu, target);
  }

  private compile(start: number): Block {
    const block = this.unencoded(start) ? this.unencodedRun(start) : this.straightLine(start);
    this.blocks[start] = block;
    this.compiled++;
    return block;
  }

  private unencoded(pc: number): boolean {
    return this.set.encodingOf(this.cpu.progMem[pc]!) < 0;
  }

  /** Words without an encoding from `start` to the next encoded or watched word, or the end of flash. */
  private unencodedRun(start: number): Block {
    const words = this.cpu.progMem.length;
    let end = start + 1;
    while (end < words && !this.watched(end) && this.unencoded(end)) end++;
    return (cpu, target) => skipUnencoded(cpu, target, end);
  }

  /** avr8js's bodies, one after another, up to a control-flow instruction or a word another kind of block runs. */
  private straightLine(start: number): Block {
    const { progMem } = this.cpu;
    const words = progMem.length;
    const lines: string[] = [];
    let pc = start;
    for (let n = 0; n < MAX_BLOCK_INSTRUCTIONS; n++) {
      if (n > 0) {
        if (pc >= words || this.watched(pc) || this.unencoded(pc)) break;
        lines.push(TICK_DUE);
      }
      const opcode = progMem[pc]!;
      const encoding = this.set.encodings[this.set.encodingOf(opcode)]!;
      const next = pc + (encoding.twoWord ? 2 : 1);
      lines.push(`{ // ${pc.toString(16)}: ${encoding.name}`, `const opcode = ${opcode};`, encoding.body);
      if (encoding.controlFlow) {
        lines.push(EPILOGUE, '}');
        break;
      }
      // Not a jump: the program counter was `pc` (or pc + 1 after a second word), so avr8js's epilogue lands on `next`.
      lines.push(`cpu.pc = ${next % words}; cpu.cycles++;`, '}');
      pc = next;
    }
    const factory = new Function('isTwoWordInstruction', `return function block_${start.toString(16)}(cpu, target) {\n${lines.join('\n')}\n};`) as BlockFactory;
    return factory(isTwoWord);
  }
}
