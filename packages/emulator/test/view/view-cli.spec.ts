// esphil view's unusable input: exit 2 with what and where, no stack trace.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { esphil } from '../cli/cli.ts';

describe('esphil view input errors', () => {
  it('names the bad line of a trace, a missing file, a bad port and a missing argument', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esphil-view-bad-'));
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"kind":"serial","t":"0","text":"Booting"}\n{"kind":"serial","t":5,"text":"x"}\n');
    const results = await Promise.all([
      esphil(['view', bad, '--port', '0']),
      esphil(['view', join(dir, 'missing.jsonl'), '--port', '0']),
      esphil(['view', bad, '--port', '70000']),
      esphil(['view']),
      esphil(['view', 'packages/emulator/test/scenario-bad/unknown-step.yaml', '--port', '0']),
    ]);
    for (const r of results) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
    const [badLine, missing, port, none, scenario] = results.map((r) => r.stderr);
    expect(badLine).toContain(`${bad}:2: serial.t: expected a time in ns as a decimal string, got 5`);
    expect(missing).toMatch(/missing\.jsonl: cannot read trace \(ENOENT\)/);
    expect(port).toMatch(/--port "70000": want a TCP port/);
    expect(none).toMatch(/name one trace \(\.jsonl\) or scenario \(\.yaml\)/);
    expect(scenario).toMatch(/unknown-step\.yaml:\d+:\d+/);
  });
});
