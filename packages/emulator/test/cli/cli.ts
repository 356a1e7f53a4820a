// Runs the esphil CLI as users do (a child process), in virtual time.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/world/defaults.ts';

export const MAIN = join(REPO_ROOT, 'packages', 'emulator', 'src', 'cli', 'main.ts');
/** The built command users run (bin/esphil.js: the CLI bundle under dist/), rather than the sources through tsx. */
export const BUILT = join(REPO_ROOT, 'packages', 'emulator', 'bin', 'esphil.js');

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Blanks what depends on the wall clock: the report's wall seconds and speed, JUnit's times. */
export function normalise(text: string): string {
  return text
    .replace(/, [\d.]+ s wall(, \d+× real time)?\)/g, ', WALL)')
    .replace(/"wall":"\d+"/g, '"wall":"0"')
    .replace(/ (time|timestamp)="[^"]*"/g, ' $1=""');
}

/** `nodeFlags` go to node itself, before the command. */
export function esphil(args: string[], opts: { input?: string; timeoutMs?: number; nodeFlags?: string[] } = {}): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...(opts.nodeFlags ?? []), '--import', 'tsx', MAIN, ...args], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`esphil ${args.join(' ')} did not finish in ${opts.timeoutMs ?? 120_000} ms\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 120_000);
    p.once('error', reject);
    p.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    p.stdin.end(opts.input ?? '');
  });
}
