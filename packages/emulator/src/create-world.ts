// The short way to a running world for library users: the node a scenario
// describes (or the default node), with an optional firmware override.
import type { Scenario } from './scenario/loader.ts';
import { World } from './world/world.ts';
import { worldConfigFor } from './world/resolve.ts';

export interface CreateWorldOptions {
  /** Build the node this scenario's `node:` section describes (default: the default node). */
  scenario?: Scenario;
  /** Run this ATmega168 Intel HEX file instead of the scenario's or the bundled firmware. */
  avrHex?: string;
}

/** A world ready to power on: call `powerOn()`, run it (`runFor`, `runUntil`), and `close()` it when done. */
export function createWorld(opts: CreateWorldOptions = {}): Promise<World> {
  return World.create(worldConfigFor(opts.scenario?.node ?? { certs: {} }, { avrHex: opts.avrHex }));
}
