// Package entry until the emulator's `esphil` CLI exists:
//   certs <dir>          fresh CA, broker, node and operator credentials
//   fixture-pki [dir]    regenerate the committed test PKI (default fixtures/pki)
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatePki } from './pki/generate.ts';
import { writeFixturePki } from './pki/fixtures.ts';

const USAGE = 'usage: certs <dir> | fixture-pki [dir]';
// pnpm --filter runs scripts in the package folder; INIT_CWD is where the user typed the command.
const userCwd = process.env.INIT_CWD ?? process.cwd();
const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..');

async function main(argv: string[]): Promise<number> {
  const [cmd, dir, ...extra] = argv;
  if (extra.length > 0) {
    console.error(USAGE);
    return 2;
  }
  if (cmd === 'certs' && dir) {
    const set = await generatePki(resolve(userCwd, dir));
    for (const f of set.files) console.log(f);
    return 0;
  }
  if (cmd === 'fixture-pki') {
    const files = await writeFixturePki(dir ? resolve(userCwd, dir) : resolve(repoRoot, 'fixtures/pki'));
    for (const f of files) console.log(f);
    return 0;
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
