// `esphil serve --json` as a child process: its JSON lines, and a wait for the first that matches.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { BUILT, MAIN } from './cli.ts';
import { REPO_ROOT } from '../../src/world/defaults.ts';

export type ServeEvent = Record<string, unknown>;

export interface ServeProcess {
  child: ChildProcess;
  events: ServeEvent[];
  waitFor(pred: (e: ServeEvent) => boolean, ms: number): Promise<ServeEvent>;
  stop(): Promise<void>;
}

export function startServe(args: string[], { built = false } = {}): ServeProcess {
  const command = built ? [BUILT] : ['--import', 'tsx', MAIN];
  const child = spawn(process.execPath, [...command, 'serve', '--json', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const lines = createInterface({ input: child.stdout });
  const events: ServeEvent[] = [];
  lines.on('line', (l) => events.push(JSON.parse(l)));
  const waitFor = (pred: (e: ServeEvent) => boolean, ms: number) =>
    new Promise<ServeEvent>((resolve, reject) => {
      const found = events.find(pred);
      if (found) return resolve(found);
      const timer = setTimeout(() => reject(new Error(`no matching event in ${ms} ms; stderr: ${stderr}; seen: ${JSON.stringify(events.slice(-5))}`)), ms);
      const on = (l: string) => {
        const e = JSON.parse(l);
        if (pred(e)) {
          clearTimeout(timer);
          lines.off('line', on);
          resolve(e);
        }
      };
      lines.on('line', on);
    });
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('close', r));
  };
  return { child, events, waitFor, stop };
}
