// Debian tools the capture tests drive. Missing locally: the test is skipped
// with the reason printed. Under CI=true a missing tool fails the test.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ToolCheck {
  /** Pass to it.skipIf / describe.skipIf. */
  skip: boolean;
  reason: string | undefined;
  /** Call first thing in the test: throws the reason under CI. */
  assert(): void;
}

const CI = process.env.CI === 'true';

function probe(cmd: string, args: string[], why: string): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  if (r.error) return `${cmd} not found (${(r.error as NodeJS.ErrnoException).code}); ${why}`;
  if (r.status !== 0) return `${cmd} ${args.join(' ')} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().split('\n').at(-1)}; ${why}`;
  return undefined;
}

export function needTools(...tools: ('tshark' | 'editcap' | 'mosquitto' | 'mosquitto_pub' | 'dumpcap-lo')[]): ToolCheck {
  const reasons: string[] = [];
  for (const t of tools) {
    let r: string | undefined;
    if (t === 'tshark') r = probe('tshark', ['--version'], 'install Debian package tshark');
    if (t === 'editcap') r = probe('editcap', ['-h'], 'install Debian package wireshark-common');
    if (t === 'mosquitto') r = spawnSync('mosquitto', ['-h']).error ? 'mosquitto not found; install Debian package mosquitto' : undefined;
    if (t === 'mosquitto_pub') r = spawnSync('mosquitto_pub', ['--help']).error ? 'mosquitto_pub not found; install Debian package mosquitto-clients' : undefined;
    // Listing lo's link-layer types opens the device, so it fails exactly when capturing would (not root, no CAP_NET_RAW).
    if (t === 'dumpcap-lo') r = probe('dumpcap', ['-i', 'lo', '-L'], 'capturing on lo needs root or CAP_NET_RAW+CAP_NET_ADMIN on dumpcap (CI runs as root)');
    if (r) reasons.push(r);
  }
  const reason = reasons.length ? reasons.join('; ') : undefined;
  if (reason && !CI) console.warn(`skipped: ${reason}`);
  return {
    skip: reason !== undefined && !CI,
    reason,
    assert() {
      if (reason) throw new Error(`required tool missing under CI: ${reason}`);
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function run(cmd: string, args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** Starts a process and resolves once `ready` appears on its stderr/stdout. */
export async function startUntil(cmd: string, args: string[], ready: RegExp, timeoutMs = 10_000): Promise<ChildProcess> {
  const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${cmd} did not print ${ready} within ${timeoutMs} ms; output: ${seen}`)), timeoutMs);
    const check = (d: Buffer) => {
      seen += d.toString();
      if (ready.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    p.stdout!.on('data', check);
    p.stderr!.on('data', check);
    p.once('error', reject);
    p.once('exit', (code) => reject(new Error(`${cmd} exited ${code} before ready; output: ${seen}`)));
  });
  return p;
}

export async function stop(p: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const done = new Promise<void>((r) => p.once('exit', () => r()));
  p.kill(signal);
  await Promise.race([done, sleep(5000).then(() => p.kill('SIGKILL'))]);
  await done;
}
