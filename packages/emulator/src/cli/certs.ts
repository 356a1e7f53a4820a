// esphil certs <dir>: a fresh credential set for a user's own devices.
import { generatePki } from '@esphil/broker';
import { parseFlags } from './args.ts';
import { UsageError } from './errors.ts';

export async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseFlags('certs', argv, { help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    console.log('usage: esphil certs <dir>\n  writes ca, broker, node and operator certificates and keys (keys mode 0600) into <dir>');
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('esphil certs: give exactly one output directory');
  const written = await generatePki(positionals[0]!);
  console.log(`esphil certs: wrote ${JSON.stringify(written)}`);
  return 0;
}
