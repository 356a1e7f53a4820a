// esphil view's unusable input: exit 2 with what and where, no stack trace.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { esphil } from '../cli/cli.ts';
import { startEsphil, urlIn } from './harness.ts';

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
      esphil(['run', 'fixtures/scenarios/zone-on-off.yaml', 'fixtures/scenarios/boot-and-connect.yaml', '--view', '--view-port', '0']),
    ]);
    for (const r of results) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
    const [badLine, missing, port, none, scenario, twoRuns] = results.map((r) => r.stderr);
    expect(badLine).toContain(`${bad}:2: serial.t: expected a time in ns as a decimal string, got 5`);
    expect(missing).toMatch(/missing\.jsonl: cannot read trace \(ENOENT\)/);
    expect(port).toMatch(/--port "70000": want a TCP port/);
    expect(none).toMatch(/name one trace \(\.jsonl\) or scenario \(\.yaml\)/);
    expect(scenario).toMatch(/unknown-step\.yaml:\d+:\d+/);
    expect(twoRuns).toMatch(/--view shows one scenario; 2 were named/);
  });
});

describe('esphil view --open', () => {
  it('hands the page address to $BROWSER, without the launcher\'s empty certificate store, and keeps serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esphil-view-open-'));
    const opener = join(dir, 'browser.sh');
    const seen = join(dir, 'opened');
    writeFileSync(opener, `#!/bin/sh\necho "$1 \${SSL_CERT_FILE-unset}" > ${JSON.stringify(seen)}\n`, { mode: 0o755 });
    // As bin/esphil.js's launcher line leaves it.
    const view = startEsphil(['view', 'fixtures/scenarios/boot-and-connect.yaml', '--port', '0', '--open'], { BROWSER: opener, SSL_CERT_FILE: '/dev/null' });
    try {
      const url = urlIn(await view.waitLine(/^esphil view: .* at http:/, 60_000));
      await expect.poll(() => (existsSync(seen) ? readFileSync(seen, 'utf8').trim() : ''), { timeout: 10_000 }).toBe(`${url} unset`);
      expect((await fetch(url)).status).toBe(200);
    } finally {
      expect(await view.stop()).toBe(0);
    }
  });
});

