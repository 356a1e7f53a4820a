// Cold start: `esphil run` of the irrigation day as a user runs it, a fresh
// process from exec to exit (module loading, JIT warm-up, the day, shutdown),
// RUNS times; the value is the best run, `_median_` the median.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FIXTURES } from '../src/world/defaults.ts';
import { realNow } from '../src/world/clock.ts';
import { median, report } from './report.ts';

const RUNS = 5;
const cli = join(import.meta.dirname, '..', 'bin', 'esphil.js');
const scenario = join(FIXTURES, 'scenarios', 'irrigation-day.yaml');

const ms: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = realNow();
  const res = spawnSync(process.execPath, [cli, 'run', scenario], { encoding: 'utf8' });
  ms.push(realNow() - t0);
  if (res.status !== 0) throw new Error(`esphil run ${scenario} exited with ${res.status}:\n${res.stdout}${res.stderr}`);
}
report('scenario.day_cli_ms', Math.min(...ms), 'ms', '<= 500');
report('scenario.day_cli_median_ms', median(ms), 'ms', 'info');
