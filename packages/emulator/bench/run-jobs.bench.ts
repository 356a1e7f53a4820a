// `esphil run --jobs`: the fidelity suite (fixtures/scenarios/fidelity) as a user
// runs it, a fresh process from exec to exit, with --jobs 1 and --jobs 2; the
// speed-up is what the second core gives a suite (worker start-up included);
// `_cpu_ms` (user+sys of the child) shows what the threads cost in CPU.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { FIXTURES } from '../src/world/defaults.ts';
import { realNow } from '../src/world/clock.ts';
import { childrenCpuMs, report } from './report.ts';

const cli = join(import.meta.dirname, '..', 'bin', 'esphil.js');
const suite = join(FIXTURES, 'scenarios', 'fidelity');

function timed(jobs: number): { wall: number; cpu: number | undefined } {
  const cpu0 = childrenCpuMs();
  const t0 = realNow();
  const res = spawnSync(cli, ['run', suite, '--jobs', String(jobs)], { encoding: 'utf8' });
  const wall = realNow() - t0;
  const cpu1 = childrenCpuMs();
  if (res.status !== 0) throw new Error(`esphil run ${suite} --jobs ${jobs} exited with ${res.status}:\n${res.stdout}${res.stderr}`);
  return { wall, cpu: cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : undefined };
}

const serial = timed(1);
const parallel = timed(2);
for (const [jobs, t] of [[1, serial], [2, parallel]] as const) {
  report(`run.fidelity_jobs${jobs}_ms`, t.wall, 'ms', 'info');
  if (t.cpu !== undefined) report(`run.fidelity_jobs${jobs}_cpu_ms`, t.cpu, 'ms', 'info');
}
report('run.jobs_speedup', serial.wall / parallel.wall, 'x', `info (${availableParallelism()} cores here; up to 2 with 2 idle cores)`);
