import { describe, expect, it } from 'vitest';
import { diffTimelines } from './diff.ts';

// Times in ms for brevity; timelines hold ns.
const tl = (...xs: [number, number[]][]) => xs.map(([ms, on]) => ({ t: BigInt(Math.round(ms * 1e6)), on }));
const expected = tl([2, [2]], [10_002, [5]], [20_002, []]);

describe('diffTimelines', () => {
  it('equal within 1 ms by default', () => {
    const d = diffTimelines(expected, tl([2.9, [2]], [10_001, [5]], [20_003, []]), { expectedName: 'exp.jsonl' });
    expect(d).toMatchObject({ equal: true, exitCode: 0, differences: [] });
    expect(d.text).toBe('relay timeline matches exp.jsonl (3 changes, tolerance 1ms)\n');
  });

  it('reports late and early changes beyond the tolerance', () => {
    const d = diffTimelines(expected, tl([2, [2]], [10_500, [5]], [19_900, []]), { toleranceNs: 10_000_000n });
    expect(d.exitCode).toBe(1);
    expect(d.differences.map((x) => x.kind)).toEqual(['late', 'early']);
    expect(d.text).toBe(
      'relay timeline differs from the expected one: 2 differences (tolerance 10ms)\n' +
        '  ~ on: 5 expected at +10s 2ms, seen at +10s 500ms (+498ms, late)\n' +
        '  ~ on: none expected at +20s 2ms, seen at +19s 900ms (-102ms, early)\n',
    );
  });

  it('shows one missing and one unexpected change without shifting the rest', () => {
    const d = diffTimelines(expected, tl([2, [2]], [15_000, [6]], [20_002, []]), { expectedName: 'day.jsonl', toleranceNs: 0n });
    expect(d.text).toBe(
      'relay timeline differs from day.jsonl: 2 differences (tolerance 0s)\n' +
        '  - at +10s 2ms expected on: 5, not seen\n' +
        '  + at +15s on: 6, not expected\n',
    );
  });

  it('handles empty timelines', () => {
    expect(diffTimelines([], []).equal).toBe(true);
    expect(diffTimelines([], tl([1000, [1]])).differences).toEqual([{ kind: 'unexpected', actual: { t: 1_000_000_000n, on: [1] } }]);
    expect(diffTimelines(tl([1000, [1]]), []).differences).toEqual([{ kind: 'missing', expected: { t: 1_000_000_000n, on: [1] } }]);
  });

  it('rejects a negative tolerance', () => {
    expect(() => diffTimelines([], [], { toleranceNs: -1n })).toThrow('tolerance must be >= 0, got -1 ns');
  });
});
