// The debugger's checked path (`pnpm bench -- --json debug`):
//   avr.debug_checked_mhz   the busy firmware with one breakpoint set that is never reached:
//                           every instruction through the reference interpreter and the breakpoint check
//   avr.debug_ratio         checked / fast on the same firmware; the hook must cost nothing when unset
//   avr.debug_unset_ratio   fast path with a hook installed but empty / with none at all
import { readFileSync } from 'node:fs';
import { ATmega168, BENCH_BUSY_HEX, DataWatch, parseIntelHex, type AvrDebugHook } from '../src/index.ts';

const CYCLES = 10_000_000;
const ROUNDS = 5;
/** Past the end of the busy image: a breakpoint there is checked on every instruction and never hit. */
const NEVER_REACHED = 0x3ffe / 2;

const emit = (name: string, value: number, unit: string, goal: string): void =>
  console.log(JSON.stringify({ name, value: Number(value.toFixed(3)), unit, goal }));
const flash = parseIntelHex(readFileSync(BENCH_BUSY_HEX, 'utf8'), BENCH_BUSY_HEX);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function mhz(hook: 'none' | 'empty' | 'breakpoint'): number {
  const avr = new ATmega168();
  avr.loadProgram(flash);
  if (hook !== 'none') {
    const debug: AvrDebugHook = {
      breakpoints: new Set(hook === 'breakpoint' ? [NEVER_REACHED] : []),
      stepping: false,
      watches: new DataWatch(avr.cpu),
      stopped: () => {
        throw new Error('the never-reached breakpoint was reached');
      },
    };
    avr.debugHook = debug;
  }
  const t0 = performance.now();
  avr.runUntil(CYCLES);
  return avr.cycles / (performance.now() - t0) / 1000;
}

const runs = { none: [] as number[], empty: [] as number[], breakpoint: [] as number[] };
for (const k of ['none', 'empty', 'breakpoint'] as const) mhz(k); // warm-up
for (let i = 0; i < ROUNDS; i++) for (const k of ['none', 'empty', 'breakpoint'] as const) runs[k].push(mhz(k));
const fast = median(runs.none);
emit('avr.debug_checked_mhz', median(runs.breakpoint), 'MHz', '>= 8 (real time while a breakpoint is set)');
emit('avr.debug_ratio', median(runs.breakpoint) / fast, 'x', 'informational: the price of a breakpoint');
emit('avr.debug_unset_ratio', median(runs.empty) / fast, 'x', '>= 0.95');
