#!/usr/bin/env node
// esphil: run scenarios, serve the node on TCP, step through SPI traffic,
// replay captured MQTT sessions, make certificates.
import { readFileSync } from 'node:fs';
import { escapeControl } from '../errors.ts';
import { EXIT_OK, EXIT_UNUSABLE, UsageError } from './errors.ts';
import { closest } from '../scenario/params.ts';
import { commandHelp, type Command } from './flags.ts';
import { enterUserDirectory } from './user-directory.ts';

interface CommandModule {
  command: Command;
  main(argv: string[]): Promise<number>;
}

// Each command's flags, help and summary live in its own module (`command`).
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  run: () => import('./run.ts'),
  serve: () => import('./serve.ts'),
  step: () => import('./step.ts'),
  replay: () => import('./replay.ts'),
  certs: () => import('./certs.ts'),
  view: () => import('./view.ts'),
  'ota-avr': () => import('./ota-avr.ts'),
};

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function usage(): Promise<string> {
  const lines = ['esphil — ESP8266 + ATmega168 irrigation node emulator', '', 'usage: esphil <command> [flags]', '', 'commands:'];
  for (const load of Object.values(COMMANDS)) {
    const { command } = await load();
    lines.push(`  ${command.name} ${command.args}`.trimEnd(), `      ${command.summary}`);
  }
  lines.push('', 'esphil help <command> (or esphil <command> --help) lists its flags; esphil --version prints the version.');
  return lines.join('\n');
}

function unknownCommand(name: string): UsageError {
  const guess = closest(name, Object.keys(COMMANDS));
  return new UsageError(`esphil: unknown command ${JSON.stringify(name)}${guess ? ` (did you mean ${guess}?)` : ''}; commands: ${Object.keys(COMMANDS).join(', ')}`);
}

async function dispatch(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-V') {
    console.log(`esphil ${version()}`);
    return EXIT_OK;
  }
  if (!command || command === '--help' || command === '-h') {
    console.log(await usage());
    return command ? EXIT_OK : EXIT_UNUSABLE;
  }
  if (command === 'help') {
    if (rest.length === 0) {
      console.log(await usage());
      return EXIT_OK;
    }
    const load = COMMANDS[rest[0]!];
    if (!load) throw unknownCommand(rest[0]!);
    if (rest.length > 1) throw new UsageError('esphil help: name one command');
    console.log(commandHelp((await load()).command));
    return EXIT_OK;
  }
  const load = COMMANDS[command];
  if (!load) throw unknownCommand(command);
  return (await load()).main(rest);
}

/** Errors a user caused, as one line; errno errors (a missing file, an existing directory) count as such. */
export function userFacing(e: unknown): string | null {
  if (e instanceof UsageError) return e.message;
  const err = e as NodeJS.ErrnoException;
  if (err instanceof Error && typeof err.code === 'string' && /^E[A-Z]+$/.test(err.code) && (err.path || err.syscall)) {
    return `esphil: ${err.syscall ?? 'cannot access'} ${err.path ?? ''}: ${err.code}`.replace(/ +:/, ':');
  }
  return null;
}

export async function main(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (e) {
    const message = userFacing(e);
    if (message === null) throw e;
    console.error(escapeControl(message));
    return EXIT_UNUSABLE;
  }
}

/**
 * The process: runs `argv` from the user's directory, prints, exits with the
 * command's code. bin/esphil.js calls it with the built JavaScript; running
 * this file through tsx (development) does the same.
 */
export function cli(argv: string[]): void {
  enterUserDirectory();
  // Exit once the output is flushed: a stopped world may leave library handles
  // (aedes, mqtt.js, sockets of outside clients) that would otherwise keep the process up.
  const exit = (code: number) => process.stdout.write('', () => process.exit(code));
  // `esphil run ... | head`: the reader went away; stop quietly, as other Unix tools do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  main(argv).then(exit, (e) => {
    console.error(escapeControl(`esphil: internal error: ${(e as Error).stack ?? e}`));
    exit(EXIT_UNUSABLE);
  });
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli/main.ts')) cli(process.argv.slice(2));
