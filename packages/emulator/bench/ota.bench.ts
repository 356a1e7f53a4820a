// The AVR update over MQTT: the irrigation day with an update at noon (wall time and speed-up
// over real time), and the update alone, from begin to done, in virtual and wall time; then,
// in the same process, the power loss during programming (the half-written AVR runs erased
// flash for seconds of virtual time before the ESP programs it again).
import { join } from 'node:path';
import { loadScenario } from '../src/scenario/loader.ts';
import { runScenario } from '../src/scenario/runner.ts';
import { World } from '../src/world/world.ts';
import { worldConfigFor } from '../src/world/resolve.ts';
import { FIXTURES } from '../src/world/defaults.ts';
import { realNow } from '../src/world/clock.ts';

function report(name: string, value: number, unit: string, goal: string): void {
  console.log(JSON.stringify({ name, value: Math.round(value * 100) / 100, unit, goal }));
}

async function run(file: string): Promise<{ wallMs: number; virtualS: number; updateVirtualMs: number }> {
  const scenario = await loadScenario(join(FIXTURES, 'scenarios', 'ota', file));
  const world = await World.create(worldConfigFor(scenario.node));
  let begin = -1n;
  let done = -1n;
  world.onTrace((e) => {
    if (e.kind !== 'node' || e.what !== 'ota-status') return;
    const status = String(e.detail?.['status']);
    if (status.startsWith('ready') && begin < 0n) begin = e.t;
    if (status.startsWith('done') && done < 0n) done = e.t;
  });
  const t0 = realNow();
  world.powerOn();
  const result = await runScenario(scenario, world);
  const wallMs = realNow() - t0;
  await world.close();
  if (result.status !== 'pass') throw new Error(`${file} failed: ${result.failure?.message}`);
  return { wallMs, virtualS: Number(result.endNs / 1_000_000n) / 1000, updateVirtualMs: Number((done - begin) / 1000n) / 1000 };
}

const day = await run('irrigation-day-ota.yaml');
report('ota.day_wall_ms', day.wallMs, 'ms', '<= 15000');
report('ota.day_speedup', day.virtualS / (day.wallMs / 1000), 'x', '>= 10000');
report('ota.update_virtual_ms', day.updateVirtualMs, 'ms', '<= 1000');

const powerLoss = await run('power-loss-recovery.yaml');
report('ota.power_loss_wall_ms', powerLoss.wallMs, 'ms', '<= 1000');
