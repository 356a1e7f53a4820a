#!/usr/bin/env node
// The V8 code cache for the CLI bundle (packages/emulator/bin/cli-bundle.js):
// the bundle compiled from source runs a short scenario, then V8 serializes
// every function compiled by then (top level and what a run called). pnpm
// build runs this in a fresh process without V8 flags, as the esphil command
// runs, so V8 accepts the cache there.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBundle } from '../packages/emulator/bin/cli-bundle.js';

const SCENARIO = join(import.meta.dirname, '..', 'fixtures', 'scenarios', 'zone-on-off.yaml');

const { exports: cli, script, cachePath } = loadBundle({ cache: false });
const code = await cli.main(['run', SCENARIO]);
if (code !== 0) {
  console.error(`cli-code-cache: esphil run ${SCENARIO} exited with ${code}`);
  process.exit(1);
}
writeFileSync(cachePath, script.createCachedData());
// A stopped world may leave library handles; the cache is written.
process.exit(0);
