// Flag parsing shared by the commands: node:util parseArgs in strict mode, with
// its errors turned into usage errors that name the command.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.ts';

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`esphil ${command}: ${(e as Error).message}`);
  }
}

export function numberFlag(command: string, name: string, value: string | undefined, dflt: number, check: (n: number) => boolean, what: string): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`esphil ${command}: --${name} ${JSON.stringify(value)} is not ${what}`);
  return n;
}
