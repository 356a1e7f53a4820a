// `esphil certs <dir>`: a complete deployment for a user's own node — CA,
// broker, node and operator credentials, an (empty) CRL, and the mosquitto.conf
// and ACL that use them. Every certificate gets its own new key; the set is
// written all at once or not at all, and an existing set is never touched.
import { resolve } from 'node:path';
import { makeCrl } from './crl.ts';
import { mosquittoConf, nodeAcl } from './deployment.ts';
import { writeFilesAtomically, type SetFile } from './files.ts';
import { FIXTURE_DATE, NODE_CN } from './fixtures.ts';
import { OTA_PUBLIC_KEY_FILE, OTA_SIGNING_KEY_FILE, newOtaKeyPair } from './ota-keys.ts';
import { issueCertificate, newRsaKey, type Issued, type Purpose } from './x509.ts';

export interface GeneratePkiOptions {
  caName?: string;
  /** Broker host names/IPs; the first is the CN. Default broker.local, localhost, 127.0.0.1. */
  brokerNames?: string[];
  /** The node certificate's CN, its MQTT user name (default sec_mqtt_client_00_03). */
  clientId?: string;
  /** Default: the earlier of one hour ago (clock skew) and the emulator's default start date. */
  notBefore?: Date;
  /** Default 3650. */
  validDays?: number;
  /** The wall clock, for the default notBefore. */
  now?: Date;
}

/** One certificate written by generatePki (plain data, prints as JSON). */
export interface PkiCredential {
  file: string;
  commonName: string;
  purpose: Purpose;
  serialHex: string;
  notBefore: string;
  notAfter: string;
  certPath: string;
  keyPath: string;
}

export interface PkiSet {
  dir: string;
  /** ca, broker, node, operator, in that order. */
  credentials: PkiCredential[];
  crl: { path: string; thisUpdate: string; nextUpdate: string };
  confPath: string;
  aclPath: string;
  /** Every file written, keys included. */
  files: string[];
}

export const DEFAULT_BROKER_NAMES = ['broker.local', 'localhost', '127.0.0.1'];
export const OPERATOR_CN = 'operator';
const DAY_MS = 86_400_000;
const CLOCK_SKEW_MS = 3_600_000;
/** Set files, in the order they are listed. */
export const PKI_SET_FILES = ['ca.crt', 'ca.key', 'broker.crt', 'broker.key', 'node.crt', 'node.key', 'operator.crt', 'operator.key', OTA_SIGNING_KEY_FILE, OTA_PUBLIC_KEY_FILE, 'ca.crl', 'mosquitto.conf', 'acl', 'README.md'];

export function defaultNotBefore(now: Date): Date {
  return new Date(Math.min(now.getTime() - CLOCK_SKEW_MS, FIXTURE_DATE.getTime()));
}

export async function generatePki(dir: string, opts: GeneratePkiOptions = {}): Promise<PkiSet> {
  const out = resolve(dir);
  const notBefore = opts.notBefore ?? defaultNotBefore(opts.now ?? new Date());
  if (Number.isNaN(notBefore.getTime())) throw new Error('generatePki: notBefore is not a date');
  const days = opts.validDays ?? 3650;
  if (!Number.isInteger(days) || days <= 0) throw new Error(`generatePki: validDays must be a positive whole number, got ${days}`);
  const notAfter = new Date(notBefore.getTime() + days * DAY_MS);
  const brokerNames = opts.brokerNames ?? DEFAULT_BROKER_NAMES;
  if (brokerNames.length === 0) throw new Error('generatePki: brokerNames is empty');
  const nodeCn = opts.clientId ?? NODE_CN;
  // mosquitto's acl_file splits on white space, and MQTT 3.1.1 §3.1.3.1 allows 1..23 characters (longer is broker-specific).
  if (!/^[\x21-\x7e]{1,64}$/.test(nodeCn) || nodeCn === OPERATOR_CN) throw new Error(`generatePki: client id '${nodeCn}' must be 1-64 printable characters without spaces, other than '${OPERATOR_CN}'`);

  const creds: { file: string; issued: Issued; purpose: Purpose }[] = [];
  const issue = (file: string, purpose: Purpose, commonName: string, issuer?: Issued, altNames?: string[]): Issued => {
    const issued = issueCertificate({ commonName, notBefore, notAfter, purpose, key: newRsaKey(), ...(altNames ? { altNames } : {}) }, issuer);
    creds.push({ file, issued, purpose });
    return issued;
  };
  const ca = issue('ca', 'ca', opts.caName ?? 'esphil device CA');
  issue('broker', 'serverAuth', brokerNames[0]!, ca, brokerNames);
  issue('node', 'clientAuth', nodeCn, ca);
  issue('operator', 'clientAuth', OPERATOR_CN, ca);
  // An empty CRL: revoking a credential later means replacing only this file.
  const ota = newOtaKeyPair();
  const crl = makeCrl(ca, { thisUpdate: notBefore, nextUpdate: notAfter, crlNumber: 1, revoked: [] });

  const credentials: PkiCredential[] = creds.map(({ file, issued, purpose }) => ({
    file,
    commonName: (issued.cert.subject.getField('CN') as { value: string }).value,
    purpose,
    serialHex: issued.serialHex,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    certPath: `${out}/${file}.crt`,
    keyPath: `${out}/${file}.key`,
  }));
  const files: SetFile[] = [
    ...creds.flatMap(({ file, issued }) => [
      { name: `${file}.crt`, text: issued.certPem, mode: 0o644 },
      // Private keys: owner read/write only, like `openssl genrsa` under umask 077.
      { name: `${file}.key`, text: issued.key.privateKeyPem, mode: 0o600 },
    ]),
    // The operator signs AVR updates with this key; nodes built with the update hold the public half.
    { name: OTA_SIGNING_KEY_FILE, text: ota.privatePem, mode: 0o600 },
    { name: OTA_PUBLIC_KEY_FILE, text: ota.publicPem, mode: 0o644 },
    { name: 'ca.crl', text: crl, mode: 0o644 },
    { name: 'mosquitto.conf', text: mosquittoConf(`# Broker configuration (mosquitto 2.0) for node ${nodeCn}, written by esphil certs.`), mode: 0o644 },
    { name: 'acl', text: nodeAcl(nodeCn, OPERATOR_CN), mode: 0o644 },
    { name: 'README.md', text: setReadme(nodeCn, credentials[0]!, brokerNames), mode: 0o644 },
  ];
  const written = writeFilesAtomically(out, files, (taken) => `${out}: already holds ${taken.join(', ')}; refusing to overwrite (keys are never reused; choose a new folder)`);
  return {
    dir: out,
    credentials,
    crl: { path: `${out}/ca.crl`, thisUpdate: notBefore.toISOString(), nextUpdate: notAfter.toISOString() },
    confPath: `${out}/mosquitto.conf`,
    aclPath: `${out}/acl`,
    files: written,
  };
}

function setReadme(nodeCn: string, ca: PkiCredential, brokerNames: string[]): string {
  return `# A node's deployment, written by \`esphil certs\`

Keep the \`.key\` files secret (mode 0600). All certificates are RSA-2048,
SHA-256, valid ${ca.notBefore} .. ${ca.notAfter}.

| File | What |
|---|---|
| \`ca.crt\` / \`ca.key\` | The CA: the broker's cafile and the node's trust anchor (setTrustAnchors). Keep ca.key offline. |
| \`broker.crt\` / \`.key\` | The broker's server certificate, CN ${brokerNames[0]} (SAN ${brokerNames.join(', ')}). |
| \`node.crt\` / \`.key\` | The node's client certificate (setClientRSACert), CN \`${nodeCn}\`: its MQTT user name. |
| \`operator.crt\` / \`.key\` | The operator client that sends irrigation commands, CN \`${OPERATOR_CN}\`. |
| \`ota-signing.key\` / \`.pub\` | ECDSA P-256 key pair that signs AVR updates sent over MQTT; the node holds the public half. |
| \`ca.crl\` | The CA's revocation list (empty); mosquitto refuses every client once it expires. |
| \`mosquitto.conf\` | mosquitto 2.0: listener 8883, mutual TLS 1.2+, this CRL, CN as user name, \`acl\`. |
| \`acl\` | The node reads \`irrigation/#\` and writes \`irrigation/status/${nodeCn}/#\`; the operator writes \`irrigation/zone/#\` and \`irrigation/ota/#\` and reads everything. |

Use it with the emulated node (node, broker and operator all take this set):

    esphil serve --pki <this folder>
    esphil run scenario.yaml --pki <this folder>

or with a real broker: start \`mosquitto -c mosquitto.conf\` from this folder,
then \`esphil serve --pki <this folder> --broker mqtts://localhost:8883\`.
`;
}
