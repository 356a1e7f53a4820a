// Compares two relay timelines. Changes are aligned by their zone sets with a
// longest-common-subsequence, so one missing change shows as one line rather
// than shifting every later comparison; aligned changes must agree in time
// within the tolerance.
import { formatSinceSubscribed as fmtT, type RelayChange } from './timeline.ts';
import { formatDuration } from '../scenario/duration.ts';

export interface TimelineDifference {
  kind: 'missing' | 'unexpected' | 'late' | 'early';
  expected?: RelayChange;
  actual?: RelayChange;
}

export interface TimelineDiff {
  equal: boolean;
  /** 0 when equal, 1 on any difference: the exit code for `esphil replay --expect`. */
  exitCode: 0 | 1;
  differences: TimelineDifference[];
  /** Human-readable report, one line per difference. */
  text: string;
}

export interface DiffOptions {
  /** Largest time difference still equal, in ns. Default 1 ms. */
  toleranceNs?: bigint;
  expectedName?: string;
}

const key = (c: RelayChange) => c.on.join(',');
const fmtOn = (on: number[]) => (on.length === 0 ? 'none' : on.join(', '));

export function diffTimelines(expected: RelayChange[], actual: RelayChange[], opts: DiffOptions = {}): TimelineDiff {
  const tol = opts.toleranceNs ?? 1_000_000n;
  if (tol < 0n) throw new RangeError(`tolerance must be >= 0, got ${tol} ns`);
  const n = expected.length;
  const m = actual.length;
  // LCS table on zone sets; timelines are short (one line per relay change).
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = key(expected[i]!) === key(actual[j]!) ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const differences: TimelineDifference[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const e = expected[i];
    const a = actual[j];
    if (e && a && key(e) === key(a)) {
      const d = a.t - e.t;
      if (d > tol || -d > tol) differences.push({ kind: d > 0 ? 'late' : 'early', expected: e, actual: a });
      i++;
      j++;
    } else if (e && (!a || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      differences.push({ kind: 'missing', expected: e });
      i++;
    } else {
      differences.push({ kind: 'unexpected', actual: a! });
      j++;
    }
  }
  const lines = differences.map((d) => {
    if (d.kind === 'missing') return `  - at ${fmtT(d.expected!.t)} expected on: ${fmtOn(d.expected!.on)}, not seen`;
    if (d.kind === 'unexpected') return `  + at ${fmtT(d.actual!.t)} on: ${fmtOn(d.actual!.on)}, not expected`;
    const delta = d.actual!.t - d.expected!.t;
    return `  ~ on: ${fmtOn(d.expected!.on)} expected at ${fmtT(d.expected!.t)}, seen at ${fmtT(d.actual!.t)} (${delta > 0n ? '+' : '-'}${formatDuration(delta > 0n ? delta : -delta)}, ${d.kind})`;
  });
  const name = opts.expectedName ? ` ${opts.expectedName}` : '';
  const tolText = `tolerance ${formatDuration(tol)}`;
  const text =
    differences.length === 0
      ? `relay timeline matches${name} (${n} changes, ${tolText})\n`
      : `relay timeline differs from${name || ' the expected one'}: ${differences.length} difference${differences.length === 1 ? '' : 's'} (${tolText})\n${lines.join('\n')}\n`;
  return { equal: differences.length === 0, exitCode: differences.length === 0 ? 0 : 1, differences, text };
}
