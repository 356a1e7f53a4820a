// The ATmega168's execution loop: avr8js instructions and clock events, plus
// idle fast-forward. SLEEP (with SMCR.SE) stops the core until an interrupt;
// a pure polling loop repeats the same iteration until a clock event changes
// what it reads. Both are jumped over to the next clock event with the same
// result, cycle for cycle, as stepping through them (the spec runs both ways).
import { avrInstruction, type CPU } from 'avr8js';
import { debugActive, type AvrDebugHook, type StopReason } from './debug-hook.ts';
import { BlockCache } from './block-cache.ts';
import { deliverInterrupt, fireDueClockEvent, headClockEvent, type ClockEvent } from './cpu-internals.ts';
import { MARK_LOOP, MARK_SLEEP, isPollSafe, scanProgram, type ProgramMarks } from './poll-loop.ts';
import { SLEEP_WAKEUP_CYCLES, canWake, sleepModeOnSLEEP } from './sleep.ts';

/** Consecutive iterations that were not a fixed point before a loop is no longer probed. */
const MAX_PROBE_MISSES = 8;
/** Instructions one probed iteration may take (loop bodies are at most MAX_LOOP_WORDS words). */
const MAX_PROBE_STEPS = 64;
const SPL = 0x5d;
const SREG = 0x5f;
const STATE_BYTES = 32 + 3; // r0..r31, SPL, SPH, SREG

export interface IdleStats {
  /** Cycles not executed instruction by instruction (asleep or in a polling loop). */
  fastForwardedCycles: number;
  sleepCycles: number;
  sleeps: number;
  pollLoopSkips: number;
}

interface PollIdle {
  head: number;
  state: Uint8Array;
  io: Uint8Array;
  spi: number;
  event: ClockEvent | null;
}

export class RunLoop {
  sleeping = false;
  /** A debugger's breakpoints, single-step and watchpoints; while any is set the checked path runs. */
  debug: AvrDebugHook | null = null;
  readonly stats: IdleStats = { fastForwardedCycles: 0, sleepCycles: 0, sleeps: 0, pollLoopSkips: 0 };
  private sleepMode = 0;
  private program: ProgramMarks;
  private readonly misses = new Map<number, number>();
  private pollIdle: PollIdle | null = null;
  private readonly before = new Uint8Array(STATE_BYTES);
  private readonly blocks: BlockCache;

  constructor(
    private readonly cpu: CPU,
    /** false: step sleep cycle by cycle and run polling loops in full (the reference). */
    readonly fastForward: boolean,
    /** Peripheral state that register reads can change (SPI's SPIF-clear sequence). */
    private readonly readSideState: () => number,
    /** false: decode and run one instruction at a time with avr8js's avrInstruction (the reference for the compiled blocks). */
    public compiled = true,
  ) {
    this.program = scanProgram(cpu.progMem);
    this.blocks = new BlockCache(cpu, (pc) => this.program.marks[pc] !== 0);
  }

  /** After flash changed: marks and compiled blocks are rebuilt from the new contents. */
  rescan(): void {
    this.program = scanProgram(this.cpu.progMem);
    this.misses.clear();
    this.blocks.invalidate();
  }

  /** MCU reset: the core is awake at the reset vector. */
  reset(): void {
    this.sleeping = false;
    this.pollIdle = null;
  }

  /** Runs until cycles >= target; with stopWhenIdle returns once asleep or polling with nothing to take. */
  runUntil(target: number, stopWhenIdle: boolean): void {
    const { cpu } = this;
    for (;;) {
      if (this.sleeping) {
        this.sleep(target, stopWhenIdle);
        if (this.sleeping) return;
      }
      if (cpu.cycles >= target) return;
      if (this.execute(target, stopWhenIdle)) return;
    }
  }

  isIdle(): boolean {
    const { cpu } = this;
    if (this.sleeping) return !canWake(cpu, this.sleepMode);
    const p = this.pollIdle;
    if (!p || cpu.pc !== p.head || (cpu.interruptsEnabled && cpu.nextInterrupt >= 0)) return false;
    if (headClockEvent(cpu) !== p.event || (p.event && p.event.cycles <= cpu.cycles)) return false;
    this.captureState(this.before);
    return equalBytes(this.before, p.state) && equalBytes(cpu.data.subarray(0x20, 0x100), p.io) && this.readSideState() === p.spi;
  }

  /** Executes instructions; true when it stopped because the core idles and stopWhenIdle was asked. */
  private execute(target: number, stopWhenIdle: boolean): boolean {
    if (debugActive(this.debug)) return this.executeChecked(target, this.debug);
    const { cpu } = this;
    const { marks } = this.program;
    while (cpu.cycles < target) {
      const mark = marks[cpu.pc];
      if (mark === 0) {
        if (this.compiled) this.blocks.run(target);
        else avrInstruction(cpu);
        cpu.tick();
      } else if (mark === MARK_SLEEP) {
        if (this.enterSleep()) return false;
      } else if (mark === MARK_LOOP && this.probeLoop(target, stopWhenIdle)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The debugger's path: one instruction at a time through the reference interpreter,
   * polling loops executed in full. A stop is reported between an instruction and its
   * tick (the clock event and interrupt that follow it), so a stepped or watched
   * instruction is seen complete and the interrupt it lets in is still to come.
   * The instruction where execution resumes does not trap again.
   */
  private executeChecked(target: number, hook: AvrDebugHook): false {
    const { cpu } = this;
    const { marks } = this.program;
    let resumedAt = -1;
    const stop = (reason: StopReason) => {
      hook.stopped(reason);
      resumedAt = cpu.pc;
    };
    while (cpu.cycles < target && debugActive(hook)) {
      if (cpu.pc !== resumedAt && hook.breakpoints.has(cpu.pc)) {
        stop({ kind: 'breakpoint' });
        continue;
      }
      resumedAt = -1;
      if (marks[cpu.pc] === MARK_SLEEP) {
        const asleep = this.enterSleep();
        if (hook.stepping) stop({ kind: 'step' });
        if (asleep && this.sleeping) return false;
        continue;
      }
      avrInstruction(cpu);
      const hit = hook.watches.take();
      if (hit) stop({ kind: 'watch', ...hit });
      else if (hook.stepping) stop({ kind: 'step' });
      cpu.tick();
    }
    return false;
  }

  private enterSleep(): boolean {
    const { cpu } = this;
    const mode = sleepModeOnSLEEP(cpu);
    avrInstruction(cpu);
    if (mode < 0) {
      cpu.tick();
      return false;
    }
    this.sleeping = true;
    this.sleepMode = mode;
    this.stats.sleeps++;
    // The clock-event half of the tick (a watchdog reset here ends sleep at once);
    // a pending interrupt is taken by wake(), after the wake-up cycles.
    fireDueClockEvent(cpu);
    return this.sleeping;
  }

  /**
   * Asleep: at each cycle every clock event due fires (no instruction runs, so nothing
   * orders them) and a wake-up interrupt ends sleep. Fast-forward jumps straight to the
   * next event; the reference steps one cycle at a time.
   */
  private sleep(target: number, stopWhenIdle: boolean): void {
    const { cpu } = this;
    for (;;) {
      while (this.sleeping && fireDueClockEvent(cpu));
      if (!this.sleeping || this.wake()) return; // a watchdog reset also ends sleep
      if (cpu.cycles >= target || stopWhenIdle) return;
      let next = cpu.cycles + 1;
      if (this.fastForward) {
        const event = headClockEvent(cpu);
        next = event ? Math.min(event.cycles, target) : target;
        this.stats.fastForwardedCycles += next - cpu.cycles;
      }
      this.stats.sleepCycles += next - cpu.cycles;
      cpu.cycles = next;
    }
  }

  private wake(): boolean {
    const { cpu } = this;
    if (!canWake(cpu, this.sleepMode)) return false;
    this.sleeping = false;
    cpu.cycles += SLEEP_WAKEUP_CYCLES;
    deliverInterrupt(cpu);
    return true;
  }

  /**
   * At a candidate loop head: runs one iteration, checking that it only reads registers
   * that change at clock events. If it comes back to the head with the register file,
   * SREG, SP and the SPI read state unchanged and no event came due, every further
   * iteration is the same until the next event: jump whole iterations up to it.
   */
  private probeLoop(target: number, stopWhenIdle: boolean): boolean {
    const { cpu } = this;
    const head = cpu.pc;
    const end = this.program.loopEnds.get(head)!;
    const before = this.before;
    this.captureState(before);
    const spiBefore = this.readSideState();
    const eventBefore = headClockEvent(cpu);
    const start = cpu.cycles;
    let steps = 0;
    do {
      if (!isPollSafe(cpu, cpu.pc)) {
        // An address that depends on the registers (LD/LDD) points at a time-varying register.
        if (steps === 0) this.program.marks[head] = 0;
        else this.miss(head);
        return false;
      }
      avrInstruction(cpu);
      cpu.tick();
      steps++;
    } while (cpu.pc !== head && cpu.pc >= head && cpu.pc <= end && cpu.cycles < target && steps < MAX_PROBE_STEPS);
    if (cpu.pc !== head) {
      // Left the loop (it ends, so it is no runaway counter), or stopped part way.
      if (cpu.pc < head || cpu.pc > end) this.misses.delete(head);
      return false;
    }
    // An event that came due during the iteration may have changed what it read: try again next time.
    if (headClockEvent(cpu) !== eventBefore || (eventBefore && eventBefore.cycles <= cpu.cycles)) return false;
    if (this.readSideState() !== spiBefore || !this.sameState(before)) {
      this.miss(head);
      return false;
    }
    this.misses.delete(head);
    this.pollIdle = {
      head,
      state: before.slice(),
      io: cpu.data.slice(0x20, 0x100),
      spi: spiBefore,
      event: eventBefore,
    };
    if (stopWhenIdle) return true;
    if (!this.fastForward) return false;
    const period = cpu.cycles - start;
    const limit = eventBefore ? Math.min(eventBefore.cycles, target) : target;
    // Every instruction boundary skipped must lie before the event and before the target.
    const iterations = Math.floor((limit - 1 - cpu.cycles) / period);
    if (iterations > 0) {
      cpu.cycles += iterations * period;
      this.stats.fastForwardedCycles += iterations * period;
      this.stats.pollLoopSkips++;
    }
    return false;
  }

  private miss(head: number): void {
    const misses = (this.misses.get(head) ?? 0) + 1;
    this.misses.set(head, misses);
    if (misses >= MAX_PROBE_MISSES) this.program.marks[head] = 0;
  }

  private captureState(into: Uint8Array): void {
    const { data } = this.cpu;
    into.set(data.subarray(0, 32));
    into[32] = data[SPL]!;
    into[33] = data[SPL + 1]!;
    into[34] = data[SREG]!;
  }

  private sameState(before: Uint8Array): boolean {
    const { data } = this.cpu;
    for (let i = 0; i < 32; i++) if (data[i] !== before[i]) return false;
    return data[SPL] === before[32] && data[SPL + 1] === before[33] && data[SREG] === before[34];
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
