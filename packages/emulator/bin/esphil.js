#!/usr/bin/env node
// The esphil command: the CLI built to one JavaScript file (pnpm build, run on
// pnpm install), in this very process, so signals reach it directly and
// start-up costs no transpiler and no module-by-module loading. Development
// runs src/cli/main.ts through tsx.
import { loadBundle } from './cli-bundle.js';

let cli;
try {
  ({ cli } = loadBundle().exports);
} catch (e) {
  if (e?.code !== 'ENOENT' || !String(e.path).endsWith('esphil.cjs')) throw e;
  console.error('esphil: the CLI is not built (packages/emulator/dist is missing); run `pnpm build` (pnpm install runs it)');
  process.exit(2);
}
cli(process.argv.slice(2));
