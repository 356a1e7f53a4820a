// Every shipped scenario (fixtures/scenarios and its subfolders: fidelity/, ota/), run
// twice through the CLI with every recorder: the same exit, the same stdout and stderr
// (wall-clock figures blanked), and byte for byte the same trace, VCD, pcap and JUnit
// (its times blanked). Signed OTA manifests included: they are RFC 6979 signatures.
// The whole set runs in worker threads (--jobs 2), a few seconds a run.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../src/world/defaults.ts';
import { esphil, normalise, type Exit } from './cli.ts';

const SHIPPED = join(FIXTURES, 'scenarios');
const shipped = (readdirSync(SHIPPED, { recursive: true }) as string[]).filter((f) => /\.ya?ml$/.test(f));

const root = mkdtempSync(join(tmpdir(), 'esphil-twice-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** One run of every shipped scenario: its exit and every file it wrote, raw. */
async function runAll(label: string): Promise<{ exit: Exit; files: Map<string, Buffer> }> {
  const out = join(root, label);
  mkdirSync(out);
  const exit = await esphil(['run', SHIPPED, '--jobs', '2', '--json', '--timeline',
    '--trace', join(out, 't.jsonl'), '--vcd', join(out, 'w.vcd'), '--pcap', join(out, 'm.pcap'), '--junit', join(out, 'r.xml')], { timeoutMs: 300_000 });
  return { exit, files: new Map(readdirSync(out).sort().map((f) => [f, readFileSync(join(out, f))])) };
}

describe('every shipped scenario, run twice', () => {
  it('gives the same report and byte-identical trace, VCD, pcap and JUnit', async () => {
    expect(shipped.some((f) => f.startsWith('ota/')) && shipped.some((f) => f.startsWith('fidelity/'))).toBe(true);
    const first = await runAll('first');
    expect(first.exit.code, first.exit.stderr).toBe(0);
    expect(first.exit.stdout.match(/"event":"scenario-end"/g)).toHaveLength(shipped.length);
    // a trace, a VCD and a pcap per scenario, and the JUnit report
    expect(first.files.size).toBe(3 * shipped.length + 1);
    const second = await runAll('second');
    expect(second.exit.code).toBe(first.exit.code);
    expect(second.exit.stderr).toBe(first.exit.stderr);
    expect(normalise(second.exit.stdout)).toBe(normalise(first.exit.stdout));
    expect([...second.files.keys()]).toEqual([...first.files.keys()]);
    for (const [f, bytes] of first.files) {
      const again = second.files.get(f)!;
      if (f === 'r.xml') expect(normalise(again.toString('utf8')), f).toBe(normalise(bytes.toString('utf8')));
      else expect(again.equals(bytes), `${f} differs between two runs`).toBe(true);
    }
  }, 600_000);
});
