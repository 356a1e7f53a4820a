// The committed test-only PKI in fixtures/pki/. One table drives both the files
// and their README, so the documented validity windows are the real ones.
import { join, resolve } from 'node:path';
import { writeCredential, writePublic } from './files.ts';
import { makeCrl } from './crl.ts';
import { OTA_PUBLIC_KEY_FILE, OTA_SIGNING_KEY_FILE, writeOtaKeyPair } from './ota-keys.ts';
import { mosquittoConf, nodeAcl } from './deployment.ts';
import { issueCertificate, newRsaKey, type Issued, type Purpose } from './x509.ts';

const d = (iso: string): Date => new Date(`${iso}T00:00:00Z`);

/** Default emulated UTC date; good certificates are valid then and years after. */
export const FIXTURE_DATE = d('2026-06-01');
export const CA_NAME = 'esphil Test CA';
export const ORG = 'esphil test-only PKI';
export const NODE_CN = 'sec_mqtt_client_00_03';
export const BROKER_NAMES = ['broker.local', 'localhost', '127.0.0.1'];

interface FixtureCert {
  file: string;
  cn: string;
  purpose: Purpose;
  from: string;
  to: string;
  issuer: 'ca' | 'rogue-ca' | 'self';
  altNames?: string[];
  why: string;
}

const GOOD = { from: '2025-01-01', to: '2035-01-01' };
// Client certificates outlive the broker's by a year, so a scenario can cross
// the broker's expiry alone (both expiring at once would hide which side refused).
const CLIENT_GOOD = { from: '2025-01-01', to: '2036-01-01' };
const EXPIRED = { from: '2024-01-01', to: '2026-01-01' };
const NOT_YET = { from: '2027-01-01', to: '2037-01-01' };

export const FIXTURE_CERTS: FixtureCert[] = [
  { file: 'ca', cn: CA_NAME, purpose: 'ca', from: '2024-01-01', to: '2045-01-01', issuer: 'self', why: 'The trust anchor: the broker\'s cafile and the node\'s setTrustAnchors().' },
  { file: 'broker', cn: 'broker.local', altNames: BROKER_NAMES, purpose: 'serverAuth', ...GOOD, issuer: 'ca', why: 'The broker\'s server certificate.' },
  { file: 'node', cn: NODE_CN, purpose: 'clientAuth', ...CLIENT_GOOD, issuer: 'ca', why: 'The node\'s client certificate; its CN is the MQTT user name with use_identity_as_username.' },
  { file: 'operator', cn: 'operator', purpose: 'clientAuth', ...CLIENT_GOOD, issuer: 'ca', why: 'The operator account that sends irrigation commands.' },
  { file: 'broker-expired', cn: 'broker.local', altNames: BROKER_NAMES, purpose: 'serverAuth', ...EXPIRED, issuer: 'ca', why: 'Broker certificate that expired before the default emulated date (BR_ERR_X509_EXPIRED on the node).' },
  { file: 'broker-not-yet-valid', cn: 'broker.local', altNames: BROKER_NAMES, purpose: 'serverAuth', ...NOT_YET, issuer: 'ca', why: 'Broker certificate that only becomes valid after the default emulated date.' },
  { file: 'broker-wrong-host', cn: 'other-broker.example', altNames: ['other-broker.example'], purpose: 'serverAuth', ...GOOD, issuer: 'ca', why: 'Valid broker certificate for a different host name (host name check fails).' },
  { file: 'rogue-ca', cn: CA_NAME, purpose: 'ca', from: '2024-01-01', to: '2045-01-01', issuer: 'self', why: 'A different CA with exactly the same name as ca.crt.' },
  { file: 'broker-rogue', cn: 'broker.local', altNames: BROKER_NAMES, purpose: 'serverAuth', ...GOOD, issuer: 'rogue-ca', why: 'Broker certificate signed by the rogue CA.' },
  { file: 'node-rogue', cn: NODE_CN, purpose: 'clientAuth', ...CLIENT_GOOD, issuer: 'rogue-ca', why: 'Node certificate signed by the rogue CA (refused by the broker).' },
  { file: 'node-expired', cn: NODE_CN, purpose: 'clientAuth', ...EXPIRED, issuer: 'ca', why: 'Node certificate that expired before the default emulated date.' },
  { file: 'node-not-yet-valid', cn: NODE_CN, purpose: 'clientAuth', ...NOT_YET, issuer: 'ca', why: 'Node certificate that only becomes valid after the default emulated date.' },
  { file: 'node-revoked', cn: NODE_CN, purpose: 'clientAuth', ...CLIENT_GOOD, issuer: 'ca', why: 'Node certificate listed in ca.crl (revoked 2025-06-01).' },
  { file: 'node-wrong-purpose', cn: NODE_CN, purpose: 'serverAuth', ...CLIENT_GOOD, issuer: 'ca', why: 'Node certificate whose extendedKeyUsage is serverAuth only (X509_V_ERR_INVALID_PURPOSE).' },
];

// The CRL outlives every fixture client certificate: an expired CRL refuses everyone (OpenSSL).
export const CRL_WINDOW = { from: '2025-01-01', to: '2040-01-01', revokedOn: '2025-06-01' };

export const MOSQUITTO_CONF = mosquittoConf('# The node\'s broker configuration (mosquitto 2.0). Test-only credentials.');

export const ACL = nodeAcl(NODE_CN, 'operator');

export async function writeFixturePki(dir: string): Promise<string[]> {
  const out = resolve(dir);
  const o = { overwrite: true };
  const issued = new Map<string, Issued>();
  const files: string[] = [];
  for (const f of FIXTURE_CERTS) {
    const issuer = f.issuer === 'self' ? undefined : issued.get(f.issuer);
    if (f.issuer !== 'self' && !issuer) throw new Error(`fixture table: ${f.file} is listed before its issuer ${f.issuer}`);
    const cert = issueCertificate(
      { commonName: f.cn, organization: ORG, purpose: f.purpose, notBefore: d(f.from), notAfter: d(f.to), key: newRsaKey(), ...(f.altNames ? { altNames: f.altNames } : {}) },
      issuer,
    );
    issued.set(f.file, cert);
    files.push(...writeCredential(out, f.file, cert.certPem, cert.key.privateKeyPem, o));
  }
  const crl = makeCrl(issued.get('ca')!, {
    thisUpdate: d(CRL_WINDOW.from),
    nextUpdate: d(CRL_WINDOW.to),
    crlNumber: 1,
    revoked: [{ serialHex: issued.get('node-revoked')!.serialHex, revocationDate: d(CRL_WINDOW.revokedOn) }],
  });
  const extra: [string, string][] = [['ca.crl', crl], ['mosquitto.conf', MOSQUITTO_CONF], ['acl', ACL], ['README.md', fixtureReadme()]];
  for (const [name, text] of extra) {
    writePublic(join(out, name), text, o);
    files.push(join(out, name));
  }
  files.push(...writeOtaKeyPair(out, OTA_SIGNING_KEY_FILE, OTA_PUBLIC_KEY_FILE, o), ...writeOtaKeyPair(out, 'ota-rogue.key', null, o));
  return files;
}

function fixtureReadme(): string {
  const rows = FIXTURE_CERTS.map(
    (f) => `| \`${f.file}.crt\` / \`.key\` | ${f.cn}${f.altNames ? ` (SAN ${f.altNames.join(', ')})` : ''} | ${f.purpose} | ${f.issuer === 'self' ? 'self-signed' : f.issuer} | ${f.from} .. ${f.to} | ${f.why} |`,
  );
  return `# fixtures/pki — TEST-ONLY credentials

**Never use these for real devices.** The private keys are committed to a public
repository. For your own devices run \`pnpm --filter @esphil/broker certs <dir>\`
(later \`pnpm esphil certs <dir>\`), which makes fresh keys every time.

Regenerate this folder with \`pnpm --filter @esphil/broker fixture-pki\`
(packages/broker/src/pki/fixtures.ts; this README is generated from the same table).
Every run makes new keys and serials, so commit the whole folder at once.

The default emulated UTC date is ${FIXTURE_DATE.toISOString().slice(0, 10)}. Good certificates are valid
then and for years after; the bad variants are chosen so scenarios can cross their
windows in virtual time. All dates are 00:00:00 UTC; RSA-2048, SHA-256. Subjects carry O=${ORG}.

| Files | CN | Purpose (extKeyUsage) | Issuer | Valid (UTC) | Why |
|---|---|---|---|---|---|
${rows.join('\n')}
| \`ca.crl\` | issuer ${CA_NAME} | CRL v2 | ca | ${CRL_WINDOW.from} .. ${CRL_WINDOW.to} (thisUpdate .. nextUpdate) | Revokes \`node-revoked.crt\` (revocation date ${CRL_WINDOW.revokedOn}). A broker clock outside its window refuses every client (X509_V_ERR_CRL_NOT_YET_VALID / _HAS_EXPIRED), as OpenSSL does. |
| \`mosquitto.conf\` | | | | | The node's broker configuration: listener 8883, mutual TLS 1.2+, CRL, CN as user name, ACL. |
| \`acl\` | | | | | mosquitto ACL: the node reads \`irrigation/#\` and writes \`irrigation/status/${NODE_CN}/#\`; the operator writes \`irrigation/zone/#\` and \`irrigation/ota/#\` (AVR updates) and reads everything. |
| \`ota-signing.key\` / \`.pub\` | | | | | ECDSA P-256 key pair for signed AVR updates (docs/ota.md): the operator signs with the key, a node built with \`ota: true\` holds the public half. |
| \`ota-rogue.key\` | | | | | Another P-256 key: images it signs must be refused (\`error bad-signature\`). |

\`rogue-ca.crt\` has exactly the same subject as \`ca.crt\` but its own key: certificates it
signs must be refused by anything that trusts \`ca.crt\`.
`;
}
