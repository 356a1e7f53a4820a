// Runs esphil with its GDB stub and the tools that talk to it, as child processes:
// the stub stops esphil's whole thread while the AVR is stopped, so a debugger
// can only ever be another process.
import { spawn } from 'node:child_process';
import { REPO_ROOT } from '../../src/world/defaults.ts';
import { MAIN } from '../cli/cli.ts';

export interface EsphilExit {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    p.once('error', reject);
    p.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** `esphil run <scenario> --gdb=0 --gdb-wait ...`, resolved with the port it printed and its exit. */
export function debuggedRun(scenario: string, extra: string[] = []): Promise<{ port: number; exit: Promise<EsphilExit> }> {
  const args = ['--import', 'tsx', MAIN, 'run', scenario, '--gdb=0', '--gdb-wait', ...extra];
  const p = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d) => (stdout += d));
  const exit = new Promise<EsphilExit>((resolve) => p.once('close', (code) => resolve({ code, stdout, stderr })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`esphil printed no gdb port within 60 s:\n${stderr}`));
    }, 60_000);
    p.stderr.on('data', (d) => {
      stderr += d;
      const m = /gdb: listening on 127\.0\.0\.1:(\d+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve({ port: Number(m[1]), exit });
      }
    });
  });
}

