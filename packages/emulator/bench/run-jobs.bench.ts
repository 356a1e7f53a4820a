// `esphil run --jobs`: the fidelity suite (fixtures/scenarios/fidelity) as a user
// runs it, a fresh process from exec to exit, with --jobs 1 and --jobs 2; the
// speed-up is what the second core gives a suite (worker start-up included).
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { FIXTURES } from '../src/world/defaults.ts';
import { realNow } from '../src/world/clock.ts';
import { report } from './report.ts';

const cli = join(import.meta.dirname, '..', 'bin', 'esphil.js');
const suite = join(FIXTURES, 'scenarios', 'fidelity');

function wallMs(jobs: number): number {
  const t0 = realNow();
  const res = spawnSync(process.execPath, [cli, 'run', suite, '--jobs', String(jobs)], { encoding: 'utf8' });
  const ms = realNow() - t0;
  if (res.status !== 0) throw new Error(`esphil run ${suite} --jobs ${jobs} exited with ${res.status}:\n${res.stdout}${res.stderr}`);
  return ms;
}

const serial = wallMs(1);
const parallel = wallMs(2);
report('run.fidelity_jobs1_ms', serial, 'ms', 'info');
report('run.fidelity_jobs2_ms', parallel, 'ms', 'info');
report('run.jobs_speedup', serial / parallel, 'x', `info (${availableParallelism()} cores here; up to 2 with 2 idle cores)`);
