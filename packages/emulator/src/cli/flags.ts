// Each command declares its flags once, in a table (name, kind, meaning,
// default); parsing, `--help`, `esphil help <command>` and the unknown-flag
// message with its "did you mean" are all derived from that table, so a flag
// cannot exist without being documented, nor be documented without existing.
//
// Adding a flag: add one entry to the command's `flags` table, e.g.
//   'max-virtual': { kind: 'duration', arg: 'D', meaning: 'stop after D of virtual time', default: 86_400_000_000_000n },
// and read it typed from `parseCommand(command, argv).flags['max-virtual']` (a bigint of ns here).
import { parseArgs } from 'node:util';
import { closest } from '../scenario/params.ts';
import { formatDuration, parseDuration } from '../scenario/duration.ts';
import { UsageError } from '../errors.ts';

/** boolean: present or not; string: as given; number: finite decimal; duration: number with a unit (5s, 250ms), in ns. */
export type FlagKind = 'boolean' | 'string' | 'number' | 'duration';

type KindValue<K extends FlagKind> = K extends 'boolean' ? boolean : K extends 'number' ? number : K extends 'duration' ? bigint : string;

export interface Flag {
  readonly kind: FlagKind;
  /** What the flag does, one line, as help shows it. */
  readonly meaning: string;
  /** The value's placeholder in help (F.vcd, N, PORT); not for booleans. */
  readonly arg?: string;
  /** The value when the flag is absent (booleans: false). */
  readonly default?: string | number | bigint;
  /** How help states a default that is computed, not a literal ("the machine's cores"). */
  readonly defaultText?: string;
  /** The flag may repeat; its value is then an array (empty when absent). */
  readonly multiple?: boolean;
  readonly short?: string;
  /** The flag may stand alone (`--gdb`), meaning this value; a value then needs `=` (`--gdb=0`). */
  readonly bare?: string;
  /** Accepts a number or duration (ns); `want` says what is accepted in the error. */
  readonly check?: { readonly ok: (v: never) => boolean; readonly want: string };
}

export type Flags = Readonly<Record<string, Flag>>;

export interface Command<F extends Flags = Flags> {
  readonly name: string;
  /** The positional arguments as help shows them: "<scenario.yaml...>". */
  readonly args: string;
  readonly summary: string;
  readonly flags: F;
  /** Lines after the flag list: exit codes, file naming, examples. */
  readonly notes?: string;
}

type FlagValue<D extends Flag> = D extends { multiple: true }
  ? KindValue<D['kind']>[]
  : D extends { kind: 'boolean' }
    ? boolean
    : D extends { default: string | number | bigint }
      ? KindValue<D['kind']>
      : KindValue<D['kind']> | undefined;

export type ParsedFlags<F extends Flags> = { -readonly [N in keyof F]: FlagValue<F[N]> };

export interface Parsed<F extends Flags> {
  flags: ParsedFlags<F>;
  positionals: string[];
}

/** Declares a command; `const` keeps each flag's kind literal so parsed values are typed. */
export function defineCommand<const F extends Flags>(command: Command<F>): Command<F> {
  return command;
}

const HELP_FLAG: Flag = { kind: 'boolean', short: 'h', meaning: 'show this help' };

/** Parses `argv`; returns null when `--help` was asked for (the help is printed then). */
export function parseCommand<F extends Flags>(command: Command<F>, argv: string[]): Parsed<F> | null {
  const all: Flags = { ...command.flags, help: HELP_FLAG };
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [name, f] of Object.entries(all)) {
    options[name] = { type: f.kind === 'boolean' ? 'boolean' : 'string', ...(f.multiple ? { multiple: true } : {}), ...(f.short ? { short: f.short } : {}) };
  }
  // A lone flag that may stand alone takes its bare value; the next word stays a positional.
  const end = argv.indexOf('--');
  const args = argv.map((a, i) => {
    const f = a.startsWith('--') && (end < 0 || i < end) ? all[a.slice(2)] : undefined;
    return f?.bare !== undefined ? `${a}=${f.bare}` : a;
  });
  let raw: ReturnType<typeof parseArgs>;
  try {
    raw = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`esphil ${command.name}: ${flagProblem(e as NodeJS.ErrnoException, all)}; see esphil help ${command.name}`);
  }
  if (raw.values.help) {
    console.log(commandHelp(command));
    return null;
  }
  const flags: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(command.flags)) {
    const given = raw.values[name] as string | boolean | string[] | undefined;
    if (f.kind === 'boolean') flags[name] = given === true;
    else if (f.multiple) flags[name] = ((given as string[] | undefined) ?? []).map((v) => convert(command.name, name, f, v));
    else flags[name] = given === undefined ? f.default : convert(command.name, name, f, given as string);
  }
  return { flags: flags as ParsedFlags<F>, positionals: raw.positionals };
}

function convert(command: string, name: string, f: Flag, text: string): string | number | bigint {
  const bad = (why: string) => new UsageError(`esphil ${command}: --${name} ${JSON.stringify(text)}: ${why}`);
  let v: number | bigint;
  if (f.kind === 'number') {
    v = text.trim() === '' ? NaN : Number(text);
    if (!Number.isFinite(v)) throw bad(`not a number${f.check ? ` (want ${f.check.want})` : ''}`);
  } else if (f.kind === 'duration') {
    try {
      v = parseDuration(text);
    } catch (e) {
      throw bad((e as Error).message);
    }
  } else return text;
  if (f.check && !f.check.ok(v as never)) throw bad(`want ${f.check.want}`);
  return v;
}

/** node:util's parse errors, said in the tool's words, with a spelling hint for unknown flags. */
function flagProblem(e: NodeJS.ErrnoException, flags: Flags): string {
  const names = Object.keys(flags);
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = /'(-[^']*)'/.exec(e.message)?.[1] ?? '';
    const bare = given.replace(/^--?/, '').replace(/=.*$/, '');
    const guess = closest(bare, names);
    return `unknown flag ${given}${guess ? ` (did you mean --${guess}?)` : ''}`;
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = /'--([^ ']+)/.exec(e.message)?.[1] ?? '';
    const f = flags[name];
    if (f?.kind === 'boolean') return `--${name} takes no value`;
    if (f) return `--${name} needs a value (${f.arg ?? 'a value'})`;
  }
  return e.message;
}

function defaultOf(f: Flag): string | undefined {
  if (f.defaultText !== undefined) return f.defaultText;
  if (f.default === undefined) return undefined;
  return typeof f.default === 'bigint' && f.kind === 'duration' ? formatDuration(f.default) : String(f.default);
}

/** The command's full help: usage, summary, every flag with its meaning and default, notes. */
export function commandHelp(command: Command): string {
  const rows = Object.entries({ ...command.flags, help: HELP_FLAG }).map(([name, f]) => {
    const value = f.kind === 'boolean' ? '' : f.bare !== undefined ? `[=${f.arg ?? 'V'}]` : ` ${f.arg ?? 'V'}`;
    const left = `${f.short ? `-${f.short}, ` : ''}--${name}${value}${f.multiple ? ' (repeatable)' : ''}`;
    const dflt = defaultOf(f);
    return [left, `${f.meaning}${dflt !== undefined ? ` (default: ${dflt})` : ''}`] as const;
  });
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  const lines = [`usage: esphil ${command.name}${command.args ? ` ${command.args}` : ''} [flags]`, `  ${command.summary}`, '', 'flags:'];
  for (const [l, r] of rows) lines.push(`  ${l.padEnd(width)}${r}`);
  if (command.notes) lines.push('', command.notes);
  return lines.join('\n');
}
