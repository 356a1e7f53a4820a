// Runs every package benchmark (packages/*/bench/*.bench.ts), each in its own
// process so one cannot warm or starve another. A benchmark prints one JSON
// object per line: {"name","value","unit","goal"}.
// `pnpm bench -- --json` passes those lines through; without --json a table.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const args = process.argv.slice(2).filter((a) => a !== '--');
const json = args.includes('--json');
const filters = args.filter((a) => !a.startsWith('--'));
const root = join(import.meta.dirname, '..');

const files: string[] = [];
for (const pkg of readdirSync(join(root, 'packages')).sort()) {
  const dir = join(root, 'packages', pkg, 'bench');
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir).sort()) {
    if (f.endsWith('.bench.ts')) files.push(join(dir, f));
  }
}
const selected = files.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (selected.length === 0) {
  console.error(`bench: no benchmark matches ${filters.join(' ') || '(all)'}`);
  process.exit(2);
}

let failed = false;
const rows: { name: string; value: number; unit: string; goal: string }[] = [];
for (const file of selected) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: root, encoding: 'utf8' });
  if (res.status !== 0) {
    failed = true;
    console.error(`bench: ${relative(root, file)} exited with ${res.status}\n${res.stderr}`);
  }
  for (const line of res.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const row = JSON.parse(line);
    rows.push(row);
    if (json) console.log(JSON.stringify(row));
  }
}
if (!json) {
  for (const r of rows) console.log(`${r.name.padEnd(28)} ${String(r.value).padStart(12)} ${r.unit.padEnd(8)} goal ${r.goal}`);
}
process.exit(failed ? 1 : 0);
