// Runs a scenario file in a fresh world, optionally recording its trace.
import { join } from 'node:path';
import { loadScenario } from '../../src/scenario/loader.ts';
import { runScenario, type ScenarioResult } from '../../src/scenario/runner.ts';
import { World } from '../../src/world/world.ts';
import { worldConfigFor } from '../../src/world/resolve.ts';
import { FIXTURES } from '../../src/world/defaults.ts';
import { encodeTraceEvent } from '../../src/trace/jsonl.ts';
import type { NodeConfig } from '../../src/scenario/node-config.ts';

export const SCENARIOS = join(FIXTURES, 'scenarios');

export interface Ran {
  result: ScenarioResult;
  trace: string;
  relays: { tNs: bigint; on: number[] }[];
}

export async function runScenarioFile(file: string, node: Partial<NodeConfig> = {}): Promise<Ran> {
  const scenario = await loadScenario(file);
  const world = await World.create(worldConfigFor({ ...scenario.node, ...node }));
  const lines: string[] = [];
  const relays: Ran['relays'] = [];
  world.onTrace((e) => lines.push(encodeTraceEvent(e)));
  world.onRelays((e) => relays.push(e));
  try {
    world.powerOn();
    const result = await runScenario(scenario, world);
    return { result, trace: lines.join('\n'), relays };
  } finally {
    await world.close();
  }
}

export function failureText(r: ScenarioResult): string {
  return r.status === 'pass' ? '' : `${r.file}: step ${r.failure?.index} (${r.failure?.step}) at ${r.failure?.at}: ${r.failure?.message}`;
}
