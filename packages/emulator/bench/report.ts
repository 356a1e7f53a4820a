// The benchmarks' output: one JSON object per line, {"name","value","unit","goal"}.
import { existsSync, readFileSync } from 'node:fs';

export function report(name: string, value: number, unit: string, goal: string): void {
  console.log(JSON.stringify({ name, value: Math.round(value * 100) / 100, unit, goal }));
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
// utime, stime, cutime, cstime of /proc/self/stat (fields 14-17), in clock ticks of 10 ms.
const TICK_MS = 10;
const PROC_STAT = '/proc/self/stat';

/** User+sys CPU of the waited-for children so far, ms; undefined where /proc is not. */
export function childrenCpuMs(): number | undefined {
  if (!existsSync(PROC_STAT)) return undefined;
  const fields = readFileSync(PROC_STAT, 'utf8').replace(/^.*\) /, '').split(' ');
  // After "pid (comm) ", field 3 is the state: cutime and cstime are fields 16 and 17.
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
}
