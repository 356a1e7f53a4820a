// esphil certs <dir>: a complete deployment for a user's own node (CA, broker,
// node, operator, CRL, mosquitto.conf, acl, README), valid today and on the
// emulator's default start date, written all at once or not at all.
import { generatePki, type PkiSet } from '@esphil/broker';
import { defineCommand, parseCommand } from './flags.ts';
import { UsageError, unusable } from './errors.ts';
import { parseUtc } from '../scenario/utc.ts';
import { DEFAULT_START_UTC } from '../world/defaults.ts';

export const command = defineCommand({
  name: 'certs',
  args: '<dir>',
  summary: 'write a deployment for your own node into <dir>: CA, broker, node and operator credentials (keys mode 0600), a CRL, mosquitto.conf, acl, README.md',
  flags: {
    'client-id': { kind: 'string', arg: 'ID', default: 'sec_mqtt_client_00_03', meaning: "the node certificate's CN (its MQTT user name in the acl)" },
    'not-before': { kind: 'string', arg: 'UTC', defaultText: `the earlier of one hour ago and ${new Date(DEFAULT_START_UTC).toISOString().slice(0, 10)} (the emulated start date)`, meaning: 'start of validity, e.g. 2026-01-01 or 2026-01-01T12:00:00Z' },
    days: { kind: 'number', arg: 'N', default: 3650, meaning: 'days of validity', check: { ok: (n: number) => Number.isInteger(n) && n > 0 && n <= 36_500, want: 'a whole number of days, 1 to 36500' } },
    json: { kind: 'boolean', meaning: 'print what was written as one JSON object' },
  },
  notes: 'an existing set in <dir> is refused (exit 2): keys are never reused; nothing is written unless every file is',
});

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(command, argv);
  if (!parsed) return 0;
  const { positionals, flags } = parsed;
  if (positionals.length !== 1) throw new UsageError('esphil certs: give exactly one output directory; see esphil help certs');
  let notBefore: Date | undefined;
  if (flags['not-before'] !== undefined) {
    try {
      notBefore = new Date(parseUtc(flags['not-before']));
    } catch (e) {
      throw new UsageError(`esphil certs: --not-before ${JSON.stringify(flags['not-before'])}: ${(e as Error).message}`);
    }
  }
  const set = await unusable('esphil certs', () =>
    generatePki(positionals[0]!, { clientId: flags['client-id'], validDays: flags.days, ...(notBefore ? { notBefore } : {}) }),
  );
  console.log(flags.json ? JSON.stringify(set) : summary(set));
  return 0;
}

function summary(set: PkiSet): string {
  const [ca] = set.credentials;
  const node = set.credentials.find((c) => c.file === 'node')!;
  const covers = (ms: number) => Date.parse(ca!.notBefore) <= ms && ms <= Date.parse(ca!.notAfter);
  const check = (label: string, ms: number) => `${label} ${new Date(ms).toISOString().slice(0, 10)}: ${covers(ms) ? 'valid' : 'NOT valid'}`;
  return [
    `esphil certs: wrote ${set.files.length} files to ${set.dir}`,
    `  valid ${ca!.notBefore} .. ${ca!.notAfter} (${check('today', Date.now())}; ${check('emulated start', DEFAULT_START_UTC)})`,
    ...set.credentials.map((c) => `  ${`${c.file}.crt/.key`.padEnd(18)} CN ${c.commonName} (${c.purpose})`),
    `  ${'ca.crl'.padEnd(18)} empty revocation list`,
    `  ${'mosquitto.conf'.padEnd(18)} listener 8883, mutual TLS, CN as user name, acl (node ${node.commonName}, operator)`,
    `next: esphil serve --pki ${set.dir}`,
  ].join('\n');
}
