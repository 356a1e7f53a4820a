// Which scenarios `esphil run` runs: files, directories (every *.yaml/*.yml
// below, in path order) and globs (expanded here, the same on every shell),
// then --grep on the scenario's name and --shard I/N for CI matrices.
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../errors.ts';

const SCENARIO_FILE = /\.ya?ml$/i;
const GLOB_CHAR = /[*?[]/;

/** Every scenario file under `dir`, in path order. */
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && SCENARIO_FILE.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** A glob as a regular expression over '/'-separated paths: `**` any depth, `*` and `?` within a name, `[...]` a class. */
function globRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) throw new UsageError(`esphil run: glob ${JSON.stringify(glob)}: "[" without "]"`);
      re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function expandGlob(glob: string): string[] {
  const parts = glob.split('/');
  const fixed = parts.slice(0, parts.findIndex((p) => GLOB_CHAR.test(p))).join('/');
  const base = fixed === '' ? (glob.startsWith('/') ? '/' : '.') : fixed;
  if (!existsSync(base) || !statSync(base).isDirectory()) return [];
  const re = globRegExp(glob.startsWith('./') ? glob.slice(2) : glob);
  return readdirSync(base, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .map((p) => (base === '.' ? relative('.', p) : p).split(sep).join('/'))
    .filter((p) => re.test(p))
    .sort();
}

/** The scenario files `args` name, each once, in the order given (a directory's or glob's files in path order). */
export function scenarioFiles(args: readonly string[]): string[] {
  const files: string[] = [];
  for (const arg of args) {
    if (existsSync(arg) && statSync(arg).isDirectory()) {
      const found = walk(arg);
      if (found.length === 0) throw new UsageError(`esphil run: no *.yaml scenario files in directory ${arg}`);
      files.push(...found);
    } else if (GLOB_CHAR.test(arg) && !existsSync(arg)) {
      const found = expandGlob(arg);
      if (found.length === 0) throw new UsageError(`esphil run: no file matches ${JSON.stringify(arg)}`);
      files.push(...found);
    } else files.push(arg); // a file, or a missing one the loader reports with its name
  }
  const seen = new Set<string>();
  return files.filter((f) => !seen.has(resolve(f)) && seen.add(resolve(f)));
}

export interface Shard {
  index: number; // 1-based
  count: number;
}

/** `--shard I/N`: 1 <= I <= N. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`esphil run: --shard ${JSON.stringify(text)}: want I/N with 1 <= I <= N, e.g. 2/4`);
  return { index, count };
}

/** Keeps the items whose name matches `grep`, then every N-th from the I-th (round-robin: shards stay even as suites grow). */
export function selectScenarios<T extends { name: string }>(items: readonly T[], opts: { grep?: string; shard?: Shard }): T[] {
  let re: RegExp | undefined;
  if (opts.grep !== undefined) {
    try {
      re = new RegExp(opts.grep);
    } catch (e) {
      throw new UsageError(`esphil run: --grep ${JSON.stringify(opts.grep)}: ${(e as Error).message}`);
    }
  }
  const matching = re ? items.filter((s) => re.test(s.name)) : [...items];
  const { shard } = opts;
  return shard ? matching.filter((_, i) => i % shard.count === shard.index - 1) : matching;
}

/** Output files must be writable before anything runs: an existing directory to write into, not a directory itself. */
export function checkOutputPaths(command: string, paths: Record<string, string | undefined>): void {
  for (const [flag, path] of Object.entries(paths)) {
    if (!path) continue;
    const problem = (why: string) => new UsageError(`esphil ${command}: --${flag} ${path}: ${why}`);
    if (existsSync(path) && statSync(path).isDirectory()) throw problem('is a directory');
    const dir = dirname(resolve(path));
    if (!existsSync(dir)) throw problem(`directory ${dirname(path)} does not exist`);
    if (!statSync(dir).isDirectory()) throw problem(`${dirname(path)} is not a directory`);
    try {
      accessSync(dir, constants.W_OK);
    } catch {
      throw problem(`directory ${dirname(path)} is not writable`);
    }
  }
}
