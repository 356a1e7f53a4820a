// Debian tools the capture tests drive (and other things a test needs: requirement()).
// Missing locally: the test is skipped with the reason printed. Under CI=true a
// missing tool fails the test.
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

export function needTools(...tools: ('tshark' | 'editcap' | 'mosquitto' | 'mosquitto_pub' | 'dumpcap-lo' | 'sigrok-cli' | 'avr-gcc' | 'avrdude' | 'chromium' | 'avr-gdb')[]): ToolCheck {
  const reasons: string[] = [];
  for (const t of tools) {
    let r: string | undefined;
    if (t === 'tshark') r = probe('tshark', ['--version'], 'install Debian package tshark');
    if (t === 'editcap') r = probe('editcap', ['-h'], 'install Debian package wireshark-common');
    if (t === 'sigrok-cli') r = probe('sigrok-cli', ['--version'], 'install Debian package sigrok-cli');
    if (t === 'avrdude') r = probe('avrdude', ['-?'], 'install Debian package avrdude');
    if (t === 'avr-gcc') r = probe('avr-gcc', ['--version'], 'install Debian packages gcc-avr avr-libc');
    if (t === 'chromium') r = probe(process.env.CHROMIUM ?? '/usr/bin/chromium', ['--version'], 'install Debian package chromium');
    if (t === 'avr-gdb') r = probe('avr-gdb', ['--version'], 'install Debian package gdb-avr');
    if (t === 'mosquitto') r = spawnSync('mosquitto', ['-h']).error ? 'mosquitto not found; install Debian package mosquitto' : undefined;
    if (t === 'mosquitto_pub') r = spawnSync('mosquitto_pub', ['--help']).error ? 'mosquitto_pub not found; install Debian package mosquitto-clients' : undefined;
    // Listing lo's link-layer types opens the device, so it fails exactly when capturing would (not root, no CAP_NET_RAW).
    if (t === 'dumpcap-lo') r = probe('dumpcap', ['-i', 'lo', '-L'], 'capturing on lo needs root or CAP_NET_RAW+CAP_NET_ADMIN on dumpcap (CI runs as root)');
    if (r) reasons.push(r);
  }
  return requirement('required tool', reasons.length ? reasons.join('; ') : undefined);
}

/** `what` a test needs, missing for `reason` (undefined: present): skipped locally with the reason printed, failed under CI. */
export function requirement(what: string, reason: string | undefined): ToolCheck {
  if (reason && !CI) console.warn(`skipped: ${reason}`);
  return {
    skip: reason !== undefined && !CI,
    reason,
    assert() {
      if (reason) throw new Error(`${what} missing under CI: ${reason}`);
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

export interface Started {
  proc: ChildProcess;
  /** Resolves once `re` has appeared in the process's stdout/stderr (since it started). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
}

export function start(cmd: string, args: string[]): Started {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let seen = '';
  const watchers = new Set<() => void>();
  const grow = (d: Buffer) => {
    seen += d.toString();
    for (const w of [...watchers]) w();
  };
  proc.stdout!.on('data', grow);
  proc.stderr!.on('data', grow);
  const waitFor = (re: RegExp, timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        watchers.delete(check);
        proc.off('exit', exited);
        err ? reject(err) : resolve();
      };
      const check = () => re.test(seen) && done();
      const exited = (code: number | null) => done(new Error(`${cmd} exited ${code} before printing ${re}; output: ${seen}`));
      const timer = setTimeout(() => done(new Error(`${cmd} did not print ${re} within ${timeoutMs} ms; output: ${seen}`)), timeoutMs);
      watchers.add(check);
      proc.once('exit', exited);
      proc.once('error', (e) => done(e));
      check();
    });
  return { proc, waitFor };
}

/** Starts a process and resolves once `ready` appears on its stderr/stdout. */
export async function startUntil(cmd: string, args: string[], ready: RegExp, timeoutMs = 10_000): Promise<ChildProcess> {
  const s = start(cmd, args);
  await s.waitFor(ready, timeoutMs);
  return s.proc;
}

export async function stop(p: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const done = new Promise<void>((r) => p.once('exit', () => r()));
  p.kill(signal);
  await Promise.race([done, sleep(5000).then(() => p.kill('SIGKILL'))]);
  await done;
}
