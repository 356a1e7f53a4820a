// Every shell command shown in README.md, docs/*.md, packages/*/README.md and
// packages/*/docs/*.md runs as written, from the Markdown itself (so the docs
// cannot drift). A ```sh (or bash/shell) block runs as one bash script with
// `set -eo pipefail` in a scratch directory that holds the repository's
// top-level entries as symlinks, one per Markdown file, shared by its blocks in
// order (later blocks may use files earlier ones wrote). Words after the language say how
// to run a block that needs something special (docs/architecture.md,
// "Docs that run"):
//   no-run=<reason>  not run: the reason is printed (e.g. slow, interactive)
//   each-line=<S>    each command alone; one still running after S seconds is
//                    a server or a viewer that works, and is stopped
//   server=<S>       the first command starts in the background, the rest run
//                    S seconds later, then it is stopped
//   timeout=<S>      the block may take S seconds (default 300)
// Blocks get PORT, a free TCP port, for commands written with ${PORT:-8883}.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeBlocks, type CodeBlock } from './markdown.ts';

const ROOT = join(import.meta.dirname, '..');
const SHELL = new Set(['sh', 'bash', 'shell']);

function markdownFiles(): string[] {
  const md = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.md')).sort().map((f) => join(dir, f)) : []);
  const files = [join(ROOT, 'README.md'), ...md(join(ROOT, 'docs'))];
  for (const p of readdirSync(join(ROOT, 'packages')).sort()) {
    const readme = join(ROOT, 'packages', p, 'README.md');
    if (existsSync(readme)) files.push(readme);
    files.push(...md(join(ROOT, 'packages', p, 'docs')));
  }
  return files;
}

const tag = (b: CodeBlock, name: string): string | undefined => b.tags.find((t) => t.startsWith(`${name}=`))?.slice(name.length + 1);

/** The block's commands: one per line, backslash continuations joined, comments and blank lines left out. */
function commands(body: string): string[] {
  return body
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

interface Outcome {
  code: number | null;
  running: boolean;
  output: string;
}

/** Runs `script` in bash in its own process group; `stop()` (or `seconds` passing) ends a still running one (running: true). */
function start(script: string, cwd: string, env: NodeJS.ProcessEnv, seconds: number): { done: Promise<Outcome>; stop(): void } {
  const p = spawn('bash', ['-c', `set -eo pipefail\n${script}`], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  p.stdout.on('data', (d) => (output += d));
  p.stderr.on('data', (d) => (output += d));
  let running = false;
  let exited = false;
  const signal = (sig: NodeJS.Signals) => {
    if (exited) return;
    try {
      process.kill(-p.pid!, sig);
    } catch {
      // already gone
    }
  };
  const stop = () => {
    if (exited) return;
    running = true;
    signal('SIGTERM');
    setTimeout(() => signal('SIGKILL'), 5_000).unref();
  };
  const timer = setTimeout(stop, seconds * 1000);
  const done = new Promise<Outcome>((resolve) =>
    p.once('close', (code) => {
      exited = true;
      clearTimeout(timer);
      resolve({ code, running, output });
    }),
  );
  return { done, stop };
}

const bash = (script: string, cwd: string, env: NodeJS.ProcessEnv, seconds: number) => start(script, cwd, env, seconds).done;

/** A fresh directory per Markdown file, holding the repository's top-level entries as symlinks. */
function scratchFor(): string {
  const dir = mkdtempSync(join(tmpdir(), 'esphil-docs-'));
  for (const entry of readdirSync(ROOT)) if (entry !== '.git') symlinkSync(join(ROOT, entry), join(dir, entry));
  return dir;
}
const scratches = new Map<string, string>();
const scratchOf = (file: string) => scratches.get(file) ?? scratches.set(file, scratchFor()).get(file)!;
// What a user's shell has: not the environment of the pnpm script running these tests.
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm|pnpm)_|^INIT_CWD$|^VITEST/i.test(k)));

const blocks = markdownFiles().flatMap((f) => codeBlocks(f).filter((b) => SHELL.has(b.lang)));

describe('shell commands in the docs', () => {
  it('finds the commands', () => {
    expect(blocks.length).toBeGreaterThan(5);
  });

  for (const b of blocks) {
    const where = `${relative(ROOT, b.file)}:${b.line}`;
    const skip = tag(b, 'no-run');
    if (skip !== undefined) {
      it.skip(`${where} (no-run: ${skip})`, () => {});
      continue;
    }
    const limit = Number(tag(b, 'timeout') ?? 300);
    it(`${where}: ${commands(b.body)[0]}`, async () => {
      const scratch = scratchOf(b.file);
      const env = { ...userEnv, PORT: String(await freePort()) };
      const eachLine = tag(b, 'each-line');
      const server = tag(b, 'server');
      if (eachLine !== undefined) {
        for (const cmd of commands(b.body)) {
          const r = await bash(cmd, scratch, env, Number(eachLine));
          expect(r.running || r.code === 0, `${where}: ${cmd}\n${r.output}`).toBe(true);
        }
      } else if (server !== undefined) {
        const [first, ...rest] = commands(b.body);
        const bg = start(first!.replace(/&$/, ''), scratch, env, limit);
        await new Promise((r) => setTimeout(r, Number(server) * 1000));
        const r = await bash(rest.join('\n'), scratch, env, limit);
        bg.stop();
        const s = await bg.done;
        expect(r.code, `${where}: ${rest.join('; ')}\n${r.output}\nserver: ${s.output}`).toBe(0);
        expect(s.running || s.code === 0, `${where}: ${first}\n${s.output}`).toBe(true);
      } else {
        const r = await bash(b.body, scratch, env, limit);
        expect(r.running ? `still running after ${limit} s` : r.code, `${where}\n${r.output}`).toBe(0);
      }
    }, (limit + 60) * 1000);
  }
});
