import { describe, expect, it } from 'vitest';
import { diffTimelines } from './diff.ts';

const tl = (...xs: [number, number[]][]) => xs.map(([t, on]) => ({ t, on }));
const expected = tl([0.002, [2]], [10.002, [5]], [20.002, []]);

describe('diffTimelines', () => {
  it('equal within 1 ms by default', () => {
    const d = diffTimelines(expected, tl([0.0029, [2]], [10.001, [5]], [20.003, []]), { expectedName: 'exp.jsonl' });
    expect(d).toMatchObject({ equal: true, exitCode: 0, differences: [] });
    expect(d.text).toBe('relay timeline matches exp.jsonl (3 changes, tolerance 1 ms)\n');
  });

  it('reports late and early changes beyond the tolerance', () => {
    const d = diffTimelines(expected, tl([0.002, [2]], [10.5, [5]], [19.9, []]), { toleranceS: 0.01 });
    expect(d.exitCode).toBe(1);
    expect(d.differences.map((x) => x.kind)).toEqual(['late', 'early']);
    expect(d.text).toBe(
      'relay timeline differs from the expected one: 2 differences (tolerance 10 ms)\n' +
        '  ~ on: 5 expected at 10.002000 s, seen at 10.500000 s (+0.498000 s, late)\n' +
        '  ~ on: none expected at 20.002000 s, seen at 19.900000 s (-0.102000 s, early)\n',
    );
  });

  it('shows one missing and one unexpected change without shifting the rest', () => {
    const d = diffTimelines(expected, tl([0.002, [2]], [15, [6]], [20.002, []]), { expectedName: 'day.jsonl', toleranceS: 0 });
    expect(d.text).toBe(
      'relay timeline differs from day.jsonl: 2 differences (tolerance 0 ms)\n' +
        '  - at 10.002000 s expected on: 5, not seen\n' +
        '  + at 15.000000 s on: 6, not expected\n',
    );
  });

  it('handles empty timelines', () => {
    expect(diffTimelines([], []).equal).toBe(true);
    expect(diffTimelines([], tl([1, [1]])).differences).toEqual([{ kind: 'unexpected', actual: { t: 1, on: [1] } }]);
    expect(diffTimelines(tl([1, [1]]), []).differences).toEqual([{ kind: 'missing', expected: { t: 1, on: [1] } }]);
  });

  it('rejects a negative tolerance', () => {
    expect(() => diffTimelines([], [], { toleranceS: -1 })).toThrow('tolerance must be a number of seconds >= 0, got -1');
  });
});
