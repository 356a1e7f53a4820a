// What a debugger asks of the run loop: stop before an instruction at a
// breakpoint, after one instruction when single-stepping, and after an
// instruction that touched a watched data address. While none of these is
// set the run loop takes its fast path untouched; while any is, it runs the
// checked path: the reference interpreter one instruction at a time, with
// polling loops executed rather than jumped over (sleep still jumps: no
// instruction runs then).
//
// Watchpoints follow simavr's sim_gdb.c: a small table consulted on every
// data access an instruction makes. avr8js routes every such access through
// CPU.readData/writeData (IN/OUT, LD/ST, LDS/STS, SBI/CBI, SBIS/SBIC), so the
// table is consulted by wrapping those two methods on the CPU instance while
// a watchpoint exists, and unwrapping them when the last one goes.
import type { CPU } from 'avr8js';

export type WatchKind = 'write' | 'read' | 'access';

export type StopReason =
  | { kind: 'breakpoint' }
  | { kind: 'step' }
  | { kind: 'watch'; watch: WatchKind; address: number };

export interface AvrDebugHook {
  /** Word addresses (CPU.pc) where execution stops before the instruction. */
  readonly breakpoints: ReadonlySet<number>;
  /** Stop after the next instruction. */
  readonly stepping: boolean;
  readonly watches: DataWatch;
  /**
   * Called synchronously where the AVR stopped; when it returns execution goes on
   * (with whatever breakpoints, registers or memory the debugger changed meanwhile).
   */
  stopped(reason: StopReason): void;
}

/** True when the run loop must take its checked path. */
export function debugActive(hook: AvrDebugHook | null): hook is AvrDebugHook {
  return hook !== null && (hook.breakpoints.size > 0 || hook.stepping || hook.watches.size > 0);
}

interface Watchpoint {
  address: number;
  length: number;
  kind: WatchKind;
}

/** Watchpoints on the data space (registers, I/O, SRAM), by data address. */
export class DataWatch {
  private readonly points: Watchpoint[] = [];
  /** The access that hit during the current instruction, if any. */
  hit: { watch: WatchKind; address: number } | null = null;

  constructor(private readonly cpu: CPU) {}

  get size(): number {
    return this.points.length;
  }

  add(address: number, length: number, kind: WatchKind): void {
    if (!this.points.some((p) => p.address === address && p.length === length && p.kind === kind)) this.points.push({ address, length, kind });
    this.install();
  }

  /** False when no such watchpoint was set. */
  remove(address: number, length: number, kind: WatchKind): boolean {
    const i = this.points.findIndex((p) => p.address === address && p.length === length && p.kind === kind);
    if (i >= 0) this.points.splice(i, 1);
    this.install();
    return i >= 0;
  }

  clear(): void {
    this.points.length = 0;
    this.install();
  }

  /** Takes the hit recorded since the last call. */
  take(): { watch: WatchKind; address: number } | null {
    const hit = this.hit;
    this.hit = null;
    return hit;
  }

  private check(address: number, write: boolean): void {
    if (this.hit) return;
    for (const p of this.points) {
      if (address < p.address || address >= p.address + p.length) continue;
      if (p.kind === 'access' || (p.kind === 'write') === write) {
        this.hit = { watch: p.kind, address };
        return;
      }
    }
  }

  private install(): void {
    const cpu = this.cpu as CPU & { readData: CPU['readData']; writeData: CPU['writeData'] };
    if (this.points.length === 0) {
      // Back to the prototype's methods: the fast path pays nothing.
      delete (cpu as Partial<CPU>).readData;
      delete (cpu as Partial<CPU>).writeData;
      this.hit = null;
      return;
    }
    if (Object.hasOwn(cpu, 'readData')) return;
    const proto = Object.getPrototypeOf(cpu) as CPU;
    cpu.readData = (addr) => {
      this.check(addr, false);
      return proto.readData.call(cpu, addr);
    };
    cpu.writeData = (addr, value, mask) => {
      this.check(addr, true);
      proto.writeData.call(cpu, addr, value, mask);
    };
  }
}
