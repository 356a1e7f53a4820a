// Debian's mosquitto binaries for interop tests: skipped with a printed reason
// when missing locally, a failure under CI=true.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PKI } from './helpers.ts';

export function missingTools(...tools: string[]): string | null {
  const missing = tools.filter((t) => spawnSync(t, ['--help']).error);
  if (missing.length === 0) return null;
  const reason = `${missing.join(', ')} not installed (Debian packages mosquitto, mosquitto-clients, openssl)`;
  if (process.env.CI === 'true') throw new Error(`required under CI: ${reason}`);
  console.warn(`skipping mosquitto interop tests: ${reason}`);
  return reason;
}

export interface ToolResult {
  code: number | null;
  output: string;
}

/** Runs a client asynchronously (the broker under test lives in this process). */
export function runTool(cmd: string, args: string[], timeoutMs = 10_000): Promise<ToolResult> & { proc: ChildProcess } {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout!.on('data', (d) => (output += d));
  proc.stderr!.on('data', (d) => (output += d));
  const done = new Promise<ToolResult>((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    // 'close', not 'exit': stdout may still hold the last lines when the process exits.
    proc.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
  return Object.assign(done, { proc });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * fixtures/pki/mosquitto.conf (the conf `esphil certs` writes) for a run of
 * Debian's mosquitto on `port`: the listener line is rewritten, paths made
 * absolute (mosquitto resolves them against its working directory, not the
 * conf file) and `extra` lines appended to the listener. esphil's broker loads
 * the same file.
 */
export function fixtureConfFile(port: number, extra: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'esphil-mosquitto-'));
  const conf = readFileSync(join(PKI, 'mosquitto.conf'), 'utf8')
    .split('\n')
    .map((l) => {
      const [k, v] = l.split(/\s+/);
      if (k === 'listener') return `listener ${port} 127.0.0.1`;
      if (v && ['cafile', 'certfile', 'keyfile', 'crlfile', 'acl_file'].includes(k!)) return `${k} ${join(PKI, v)}`;
      return l;
    });
  // As root, mosquitto 2.0 drops to user "mosquitto", which cannot read our 0600 keys.
  if (process.getuid?.() === 0) conf.push('user root');
  conf.push('log_dest stderr', 'log_type all', ...extra);
  writeFileSync(join(dir, 'mosquitto.conf'), conf.join('\n'));
  return join(dir, 'mosquitto.conf');
}

/** A real mosquitto running fixtures/pki/mosquitto.conf (plus `extra` listener lines) on a free port. */
export async function startMosquitto(extra: string[] = []): Promise<{ port: number; conf: string; log: () => string; stop: () => Promise<void> }> {
  const port = await freePort();
  const conf = fixtureConfFile(port, extra);
  const proc = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout!.on('data', (d) => (log += d));
  proc.stderr!.on('data', (d) => (log += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mosquitto did not start within 10 s: ${log}`)), 10_000);
    const check = (): void => {
      if (/mosquitto version [\d.]+ running/.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stderr!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mosquitto exited ${code}: ${log}`));
    });
  });
  return {
    port,
    conf,
    log: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}
