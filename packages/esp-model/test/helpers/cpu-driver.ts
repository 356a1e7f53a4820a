// Drives a bare Cpu (no board) through virtual time for unit tests of blocking library calls.
import { Cpu } from '../../src/core/cpu.ts';
import { noteIo, settle } from './io.ts';

export class CpuHarness {
  nowNs = 0n;
  readonly cpu: Cpu;

  constructor(millisAtBoot = 0n) {
    this.cpu = new Cpu({ nowNs: () => this.nowNs }, 0n, millisAtBoot, noteIo);
  }

  /** Run `op` to completion, jumping the clock to each wake-up; fails past `limitMs` of virtual time. */
  async run<T>(op: Promise<T>, limitMs = 600_000): Promise<T> {
    let done = false;
    let value: T | undefined;
    let error: unknown;
    op.then(
      (v) => ((done = true), (value = v)),
      (e) => ((done = true), (error = e)),
    );
    const limit = this.nowNs + BigInt(limitMs) * 1_000_000n;
    for (;;) {
      await settle();
      if (done) break;
      const w = this.cpu.nextWakeNs();
      if (w === null) throw new Error(`CpuHarness: operation stuck at ${this.nowNs} ns with nothing to wake it`);
      if (w > limit) throw new Error(`CpuHarness: operation still blocked at the ${limitMs} ms limit`);
      if (w > this.nowNs) this.nowNs = w;
      this.cpu.poll();
    }
    if (error) throw error;
    return value as T;
  }

  get ms(): number {
    return Number(this.nowNs / 1_000_000n);
  }
}
