// Cold start: `esphil run` of the irrigation day as a user runs it, a fresh
// process from exec to exit (the command's launcher line, module loading, JIT
// warm-up, the day, shutdown), RUNS times; the value is the best run,
// `_median_` the median. Beside it, to tell the fixed cost from the day's own:
// `esphil --version` (Node's start and loading the CLI) and a two-minute
// scenario (that plus building and booting a node, one TLS handshake).
// `_cpu_ms` is the child's user+sys CPU time (Linux /proc, 10 ms ticks): less
// sensitive than wall time to a busy machine. `day_node` is the same day run as
// `node bin/esphil.js` (how the tests run it): Node's default options and this
// environment as it is, without what bin/esphil.js's launcher line sets.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FIXTURES } from '../src/world/defaults.ts';
import { realNow } from '../src/world/clock.ts';
import { childrenCpuMs, median, report } from './report.ts';

const RUNS = 5;
const cli = join(import.meta.dirname, '..', 'bin', 'esphil.js');
/** The command as installed (its `#!` line runs), or `node` on the file. */
type Launch = 'command' | 'node';
function timedRuns(args: string[], launch: Launch): { wall: number[]; cpu: number[] } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const cpu0 = childrenCpuMs();
    const t0 = realNow();
    const [cmd, argv] = launch === 'command' ? [cli, args] : [process.execPath, [cli, ...args]];
    const res = spawnSync(cmd, argv, { encoding: 'utf8' });
    wall.push(realNow() - t0);
    const cpu1 = childrenCpuMs();
    if (cpu0 !== undefined && cpu1 !== undefined) cpu.push(cpu1 - cpu0);
    if (res.status !== 0) throw new Error(`esphil ${args.join(' ')} exited with ${res.status}:\n${res.stdout}${res.stderr}`);
  }
  return { wall, cpu };
}

function figures(name: string, args: string[], goal = 'info', launch: Launch = 'command'): void {
  const { wall, cpu } = timedRuns(args, launch);
  report(`scenario.${name}_ms`, Math.min(...wall), 'ms', goal);
  report(`scenario.${name}_median_ms`, median(wall), 'ms', 'info');
  if (cpu.length) report(`scenario.${name}_cpu_ms`, Math.min(...cpu), 'ms', 'info');
}

figures('day_cli', ['run', join(FIXTURES, 'scenarios', 'irrigation-day.yaml')], '<= 500');
figures('cli_start', ['--version']);
figures('zone_cli', ['run', join(FIXTURES, 'scenarios', 'zone-on-off.yaml')]);
figures('day_node', ['run', join(FIXTURES, 'scenarios', 'irrigation-day.yaml')], 'info', 'node');
