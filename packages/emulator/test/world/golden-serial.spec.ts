// The serial text of a whole DEBUG session, line by line, against a golden file whose
// every line names the original sketch's print statement that produces it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failureText, runScenarioFile } from './harness.ts';

const GOLDEN = join(import.meta.dirname, 'golden');

/** `> text` lines are serial lines (`>` alone: an empty one); each must follow a `#` justification. */
function readGolden(file: string): string[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const expected: string[] = [];
  lines.forEach((l, i) => {
    if (!l.startsWith('>')) return;
    if (!lines[i - 1]?.startsWith('# ')) throw new Error(`${file}:${i + 1}: serial line without a "# print statement" line above it`);
    expected.push(l === '>' ? '' : l.replace(/^> /, ''));
  });
  return expected;
}

describe('golden serial log of a DEBUG session', () => {
  it('matches the original node line by line', async () => {
    const expected = readGolden(join(GOLDEN, 'debug-session.serial'));
    const { result, trace } = await runScenarioFile(join(GOLDEN, 'debug-session.yaml'));
    expect(failureText(result)).toBe('');
    const seen = trace
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; text?: string })
      .filter((e) => e.kind === 'serial')
      .map((e) => e.text!);
    for (let i = 0; i < Math.max(seen.length, expected.length); i++) {
      expect(seen[i], `serial line ${i + 1}`).toBe(expected[i]);
    }
  }, 120_000);
});
