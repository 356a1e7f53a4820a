// esphil certs <dir>: a fresh credential set for a user's own devices.
import { generatePki } from '@esphil/broker';
import { defineCommand, parseCommand } from './flags.ts';
import { UsageError, unusable } from './errors.ts';

export const command = defineCommand({
  name: 'certs',
  args: '<dir>',
  summary: 'write a fresh CA, broker, node and operator credential set (keys mode 0600) into <dir>',
  flags: {},
  notes: 'refuses to overwrite an existing set: keys are never reused',
});

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(command, argv);
  if (!parsed) return 0;
  const { positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('esphil certs: give exactly one output directory; see esphil help certs');
  const written = await unusable('esphil certs', () => generatePki(positionals[0]!));
  console.log(`esphil certs: wrote ${JSON.stringify(written)}`);
  return 0;
}
