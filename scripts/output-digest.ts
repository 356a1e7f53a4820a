// Digest of everything the shipped scenarios and captures produce through the
// CLI: stdout (--json --timeline), exit code, trace, VCD, pcap and JUnit of
// every fixtures/scenarios/**/*.yaml (fidelity/ and ota/ too), and `replay --json` of every good capture.
// A change that must not alter behaviour (a faster core, a cheaper world)
// keeps this output identical, line for line:
//   pnpm tsx scripts/output-digest.ts > before.txt   (on the old commit)
//   pnpm tsx scripts/output-digest.ts > after.txt && diff before.txt after.txt
// Wall-clock fields (wallMs, wall, JUnit time/timestamp/hostname) are blanked first.
// --keep DIR leaves the normalised files there for a byte-level diff.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'packages', 'emulator', 'bin', 'esphil.js');
const args = process.argv.slice(2).filter((a) => a !== '--');
const keepAt = args.indexOf('--keep');
const keep = keepAt >= 0 ? args[keepAt + 1] : undefined;
const PARALLEL = 2;

interface Job {
  name: string;
  argv: (dir: string) => string[];
  files: string[];
}

const scenarios = (readdirSync(join(root, 'fixtures', 'scenarios'), { recursive: true }) as string[])
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const captures = readdirSync(join(root, 'fixtures', 'captures'))
  .filter((f) => /\.(pcap|pcapng|jsonl)$/.test(f) && !f.startsWith('broken-'))
  .sort();

const jobs: Job[] = [
  ...scenarios.map((f) => ({
    name: f,
    argv: (dir: string) => ['run', join('fixtures', 'scenarios', f), '--json', '--timeline',
      '--trace', join(dir, 'trace.jsonl'), '--vcd', join(dir, 'wave.vcd'), '--pcap', join(dir, 'mqtt.pcap'), '--junit', join(dir, 'junit.xml')],
    files: ['trace.jsonl', 'wave.vcd', 'mqtt.pcap', 'junit.xml'],
  })),
  ...captures.map((f) => ({ name: `replay ${f}`, argv: () => ['replay', join('fixtures', 'captures', f), '--json'], files: [] })),
];

/** Blanks what depends on the wall clock or the machine, nothing else. */
function normalise(text: string): string {
  return text
    .replace(/"wallMs":\d+/g, '"wallMs":0')
    .replace(/"wall":"\d+"/g, '"wall":"0"')
    .replace(/ (time|timestamp|hostname)="[^"]*"/g, ' $1=""');
}

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex').slice(0, 16);

async function runJob(job: Job): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'esphil-digest-'));
  try {
    // The command as installed: its launcher line runs (bin/esphil.js).
    const child = spawn(cli, job.argv(dir), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const outputs: [string, string | Buffer][] = [
      ['stdout', normalise(Buffer.concat(out).toString('utf8'))],
      ['stderr', Buffer.concat(err).toString('utf8')],
      ...job.files.map((f): [string, string | Buffer] => {
        const bytes = readFileSync(join(dir, f));
        return [f, f.endsWith('.pcap') ? bytes : normalise(bytes.toString('utf8'))];
      }),
    ];
    if (keep) {
      const at = join(keep, job.name.replace(/[^\w.-]+/g, '_'));
      mkdirSync(at, { recursive: true });
      for (const [f, body] of outputs) writeFileSync(join(at, f), body);
    }
    return [`${job.name} exit ${code}`, ...outputs.map(([f, body]) => `${job.name} ${f} ${sha(body)}`)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const results: string[][] = new Array(jobs.length);
let next = 0;
await Promise.all(
  Array.from({ length: PARALLEL }, async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await runJob(jobs[i]!);
    }
  }),
);
console.log(results.flat().join('\n'));
