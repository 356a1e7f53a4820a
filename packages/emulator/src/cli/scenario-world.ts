// A scenario loaded and its world built with the whole timeline kept in
// memory: what `step` and `view` need before they run a scenario themselves.
import { loadScenario, type Scenario } from '../scenario/loader.ts';
import { ScenarioLoadError } from '../scenario/errors.ts';
import { World } from '../world/world.ts';
import { worldConfigFor } from '../world/resolve.ts';
import type { PkiFolder } from '@esphil/broker';
import { UsageError, unusable } from './errors.ts';
import { openRecorders, type Recorders } from './recorders.ts';

export async function openScenarioWorld(file: string, firmware: { avrHex?: string | undefined; avrElf?: string | undefined }, pki?: PkiFolder): Promise<{ scenario: Scenario; world: World; recorders: Recorders }> {
  let scenario;
  try {
    scenario = await loadScenario(file);
  } catch (e) {
    if (e instanceof ScenarioLoadError) throw new UsageError(e.message);
    throw e;
  }
  const world = await unusable(`${file}: cannot build the node`, () => World.create(worldConfigFor(scenario.node, { ...firmware, pki })));
  return { scenario, world, recorders: openRecorders(world, {}, { keep: true }) };
}
