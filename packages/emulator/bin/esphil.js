#!/usr/bin/env node
// The esphil command: the CLI built to JavaScript (pnpm build, run on
// pnpm install), in this very process, so signals reach it directly and
// start-up costs no transpiler. Development runs src/cli/main.ts through tsx.
let cli;
try {
  ({ cli } = await import('../dist/cli/main.js'));
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist/cli/main.js')) throw e;
  console.error('esphil: the CLI is not built (packages/emulator/dist is missing); run `pnpm build` (pnpm install runs it)');
  process.exit(2);
}
cli(process.argv.slice(2));
