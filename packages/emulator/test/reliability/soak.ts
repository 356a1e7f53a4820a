// The soak: one node, one world, a long virtual stretch (default a month) of
// random operator commands and faults, every invariant of node-model.ts checked
// as it goes, and memory measured after the first virtual day and at the end.
//   pnpm soak                    a virtual month (SOAK_DAYS=30), seed printed
//   SOAK_SEED=123 pnpm soak      the same run again
import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { initialModel, nodeCommands, bootReal } from './node-model.ts';

const DAY_NS = 86_400_000_000_000n;
/** Commands generated per batch; the run goes on batch after batch until the span is covered. */
const BATCH = 25;
/** Longest single wait: a few hours, so a month has hundreds of commands and faults. */
const LONGEST_WAIT_S = 6 * 3600;

export interface SoakResult {
  seed: number;
  virtualDays: number;
  wallS: number;
  commands: number;
  /** Heap in use after a full GC, MiB: after the first virtual day, and at the end. */
  heapAfterDayMb: number;
  heapEndMb: number;
  rssStartMb: number;
  rssEndMb: number;
}

/** A full GC when the process allows one (node --expose-gc, or the V8 flag set at run time). */
function collect(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const mb = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;

export async function runSoak(o: { days: number; seed: number; log?: (line: string) => void }): Promise<SoakResult> {
  const log = o.log ?? (() => undefined);
  const wall0 = performance.now();
  const rssStart = process.memoryUsage().rss;
  const real = await bootReal();
  const model = initialModel();
  const end = BigInt(o.days) * DAY_NS;
  let commands = 0;
  let heapAfterDay = 0;
  try {
    for (let batch = 0; real.world.nowNs() < end; batch++) {
      const [cmds] = fc.sample(fc.commands(nodeCommands(LONGEST_WAIT_S), { maxCommands: BATCH, size: 'max' }), { seed: o.seed + batch, numRuns: 1 });
      try {
        await fc.asyncModelRun(() => ({ model, real }), cmds!);
      } catch (e) {
        throw new Error(`soak seed ${o.seed}, batch ${batch} (seed ${o.seed + batch}): ${String(cmds)}\n${(e as Error).message}`);
      }
      commands += [...cmds!].length;
      if (real.violations.length) throw new Error(`soak seed ${o.seed}, batch ${batch}: more than one zone on: ${real.violations.join('; ')}`);
      if (!heapAfterDay && real.world.nowNs() >= DAY_NS) {
        collect();
        heapAfterDay = process.memoryUsage().heapUsed;
      }
      log(`day ${(Number(real.world.nowNs() / 1_000_000_000n) / 86_400).toFixed(2)}: ${commands} commands, heap ${mb(process.memoryUsage().heapUsed)} MiB, rss ${mb(process.memoryUsage().rss)} MiB`);
    }
  } finally {
    await real.world.close();
  }
  collect();
  return {
    seed: o.seed,
    virtualDays: Number(real.world.nowNs() / 1_000_000_000n) / 86_400,
    wallS: Math.round((performance.now() - wall0) / 100) / 10,
    commands,
    heapAfterDayMb: mb(heapAfterDay || process.memoryUsage().heapUsed),
    heapEndMb: mb(process.memoryUsage().heapUsed),
    rssStartMb: mb(rssStart),
    rssEndMb: mb(process.memoryUsage().rss),
  };
}

/** Heap may grow this much over the soak and still count as flat (V8's own caches, the model's counters). */
export const FLAT_HEAP_MB = 20;

if (import.meta.url === `file://${process.argv[1]}`) {
  const seed = Number(process.env.SOAK_SEED ?? Date.now() % 2 ** 31);
  const days = Number(process.env.SOAK_DAYS ?? 30);
  console.log(`soak: ${days} virtual days, seed ${seed} (SOAK_SEED=${seed} repeats it)`);
  const r = await runSoak({ days, seed, log: (l) => console.log(l) }).catch((e: Error) => {
    console.error(e.message);
    process.exit(1);
  });
  console.log(JSON.stringify(r));
  const grew = r.heapEndMb - r.heapAfterDayMb;
  if (grew > FLAT_HEAP_MB) {
    console.error(`soak: heap grew ${grew.toFixed(1)} MiB after the first day (limit ${FLAT_HEAP_MB})`);
    process.exit(1);
  }
  process.exit(0);
}
