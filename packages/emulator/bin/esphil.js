#!/usr/bin/env node
// Runs the TypeScript CLI through tsx (no build step in this workspace).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
// tsx resolved from here, so the command works from any directory.
const tsx = import.meta.resolve('tsx');
const res = spawnSync(process.execPath, ['--import', tsx, join(here, '..', 'src', 'cli', 'main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(res.status ?? 2);
