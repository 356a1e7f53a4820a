// Whole-node speed: a virtual irrigation day with each bundled AVR build, and
// the wall time from nothing to a node subscribed at the broker.
import { join } from 'node:path';
import { loadScenario } from '../src/scenario/loader.ts';
import { runScenario } from '../src/scenario/runner.ts';
import { World } from '../src/world/world.ts';
import { worldConfigFor } from '../src/world/resolve.ts';
import { BUNDLED_POLL_HEX, FIXTURES } from '../src/world/defaults.ts';
import { realNow } from '../src/world/clock.ts';

function report(name: string, value: number, unit: string, goal: string): void {
  console.log(JSON.stringify({ name, value: Math.round(value * 100) / 100, unit, goal }));
}

async function daySpeedup(avrHex?: string): Promise<number> {
  const scenario = await loadScenario(join(FIXTURES, 'scenarios', 'irrigation-day.yaml'));
  const world = await World.create(worldConfigFor(scenario.node, { avrHex }));
  const t0 = realNow();
  world.powerOn();
  const result = await runScenario(scenario, world);
  const wallS = (realNow() - t0) / 1000;
  await world.close();
  if (result.status !== 'pass') throw new Error(`irrigation-day failed: ${result.failure?.message}`);
  return Number(result.endNs / 1_000_000n) / 1000 / wallS;
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

report('scenario.boot_ms', await bootMs(), 'ms', '<= 500');
report('scenario.day_speedup', await daySpeedup(), 'x', '>= 30000');
// Resident memory after a whole virtual day: the world keeps serial lines and PUBLISHes, not keepalive traffic.
report('scenario.day_rss_mb', process.memoryUsage().rss / 2 ** 20, 'MiB', '<= 400');
report('scenario.day_poll_speedup', await daySpeedup(BUNDLED_POLL_HEX), 'x', '>= 10000');
