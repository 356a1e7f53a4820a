// Whole-node speed, warm: each figure in its own process (a fresh JIT, so one
// figure cannot warm another), a first untimed run, then RUNS timed runs;
// the value is the best run, `*_median_*` the median. Cold start, the whole
// CLI from exec to exit, is scenario-cli.bench.ts.
//   scenario.boot_ms        nothing to a node subscribed at the broker (boot-and-connect's node)
//   scenario.boot_first_ms  the same, the first time in the process (modules loaded, JIT cold)
//   scenario.day_warm_ms    a virtual irrigation day: world built, run, closed
//   scenario.day_speedup    virtual seconds per wall second over that day
//   scenario.day_rss_mb     resident memory after the days
//   scenario.day_poll_speedup  the day with the AVR build that polls SPIF
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadScenario } from '../src/scenario/loader.ts';
import { runScenario } from '../src/scenario/runner.ts';
import { World } from '../src/world/world.ts';
import { worldConfigFor } from '../src/world/resolve.ts';
import { BUNDLED_POLL_HEX, FIXTURES } from '../src/world/defaults.ts';
import { realNow } from '../src/world/clock.ts';
import { median, report } from './report.ts';

const RUNS = 5;

async function dayRun(avrHex?: string): Promise<{ wallMs: number; virtualS: number }> {
  const scenario = await loadScenario(join(FIXTURES, 'scenarios', 'irrigation-day.yaml'));
  const t0 = realNow();
  const world = await World.create(worldConfigFor(scenario.node, { avrHex }));
  world.powerOn();
  const result = await runScenario(scenario, world);
  await world.close();
  const wallMs = realNow() - t0;
  if (result.status !== 'pass') throw new Error(`irrigation-day failed: ${result.failure?.message}`);
  return { wallMs, virtualS: Number(result.endNs / 1_000_000n) / 1000 };
}

async function bootMs(): Promise<number> {
  const t0 = realNow();
  const scenario = await loadScenario(join(FIXTURES, 'scenarios', 'boot-and-connect.yaml'));
  const world = await World.create(worldConfigFor(scenario.node));
  world.powerOn();
  const ok = await world.runUntil(() => world.nodeSubscribed(), 120_000_000_000n);
  const ms = realNow() - t0;
  await world.close();
  if (!ok) throw new Error('the node did not subscribe within 120 s of virtual time');
  return ms;
}

/** The first run untimed (or reported as `first`), then RUNS timed ones. */
async function timed<T>(run: () => Promise<T>, first?: (t: T) => void): Promise<T[]> {
  const warm = await run();
  first?.(warm);
  const runs: T[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await run());
  return runs;
}

const figures: Record<string, () => Promise<void>> = {
  async boot() {
    const ms = await timed(bootMs, (first) => report('scenario.boot_first_ms', first, 'ms', 'info'));
    report('scenario.boot_ms', Math.min(...ms), 'ms', '<= 60');
    report('scenario.boot_median_ms', median(ms), 'ms', 'info');
  },
  async day() {
    const runs = await timed(() => dayRun());
    const ms = runs.map((r) => r.wallMs);
    report('scenario.day_warm_ms', Math.min(...ms), 'ms', '<= 250');
    report('scenario.day_warm_median_ms', median(ms), 'ms', 'info');
    report('scenario.day_speedup', runs[0]!.virtualS / (Math.min(...ms) / 1000), 'x', '>= 30000');
    // The world keeps serial lines and PUBLISHes, not keepalive traffic.
    report('scenario.day_rss_mb', process.memoryUsage().rss / 2 ** 20, 'MiB', '<= 400');
  },
  async 'day-poll'() {
    const runs = await timed(() => dayRun(BUNDLED_POLL_HEX));
    report('scenario.day_poll_speedup', runs[0]!.virtualS / (Math.min(...runs.map((r) => r.wallMs)) / 1000), 'x', '>= 10000');
  },
};

const which = process.argv[2];
if (which) {
  await figures[which]!();
} else {
  for (const name of Object.keys(figures)) {
    const res = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, name], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (res.status !== 0) process.exit(res.status ?? 1);
  }
}
