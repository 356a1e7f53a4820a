// `certs <dir>`: a fresh credential set for a user's own devices. Every
// certificate gets its own new key; existing files are never overwritten.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeCredential, type WriteOptions } from './files.ts';
import { OTA_PUBLIC_KEY_FILE, OTA_SIGNING_KEY_FILE, writeOtaKeyPair } from './ota-keys.ts';
import { issueCertificate, newRsaKey, type Issued } from './x509.ts';

export interface PkiClientSpec {
  /** File stem: `<file>.crt` / `<file>.key`. */
  file: string;
  /** Certificate CN; with use_identity_as_username it becomes the MQTT user name. */
  commonName: string;
}

export interface GeneratePkiOptions {
  caName?: string;
  /** Broker host names/IPs; the first is the CN. Default broker.local, localhost, 127.0.0.1. */
  brokerNames?: string[];
  /** Default: node (sec_mqtt_client_00_03) and operator. */
  clients?: PkiClientSpec[];
  /** Default: the current time minus one hour (clock skew between hosts). */
  notBefore?: Date;
  /** Default 3650. */
  validDays?: number;
}

/** One certificate written by generatePki (plain data, prints as JSON). */
export interface PkiCredential {
  file: string;
  commonName: string;
  purpose: 'ca' | 'serverAuth' | 'clientAuth';
  serialHex: string;
  notBefore: string;
  notAfter: string;
  certPath: string;
  keyPath: string;
}

export interface PkiSet {
  dir: string;
  /** ca, broker, then the clients, in that order. */
  credentials: PkiCredential[];
  /** Every file written, keys included. */
  files: string[];
}

export const DEFAULT_BROKER_NAMES = ['broker.local', 'localhost', '127.0.0.1'];
export const DEFAULT_CLIENTS: PkiClientSpec[] = [
  { file: 'node', commonName: 'sec_mqtt_client_00_03' },
  { file: 'operator', commonName: 'operator' },
];

export async function generatePki(dir: string, opts: GeneratePkiOptions = {}): Promise<PkiSet> {
  const out = resolve(dir);
  const notBefore = opts.notBefore ?? new Date(Date.now() - 3600_000);
  const days = opts.validDays ?? 3650;
  if (!Number.isFinite(days) || days <= 0) throw new Error(`generatePki: validDays must be positive, got ${days}`);
  const notAfter = new Date(notBefore.getTime() + days * 86_400_000);
  const brokerNames = opts.brokerNames ?? DEFAULT_BROKER_NAMES;
  if (brokerNames.length === 0) throw new Error('generatePki: brokerNames is empty');
  const clients = opts.clients ?? DEFAULT_CLIENTS;
  const stems = new Set(['ca', 'broker']);
  for (const c of clients) {
    if (!/^[A-Za-z0-9_.-]+$/.test(c.file)) throw new Error(`generatePki: client file name '${c.file}' must be [A-Za-z0-9_.-]+`);
    if (stems.has(c.file)) throw new Error(`generatePki: client file name '${c.file}' is used twice`);
    stems.add(c.file);
  }
  // Check every target first, so a refusal leaves no half-written set behind.
  const taken = [...[...stems].flatMap((f) => [`${f}.crt`, `${f}.key`]), OTA_SIGNING_KEY_FILE, OTA_PUBLIC_KEY_FILE].filter((f) => existsSync(join(out, f)));
  if (taken.length > 0) throw new Error(`${out}: ${taken.join(', ')} already exist; refusing to overwrite (keys are never reused)`);
  const w: WriteOptions = { overwrite: false };
  const files: string[] = [];
  const credentials: PkiCredential[] = [];
  const write = (file: string, purpose: PkiCredential['purpose'], cert: Issued): Issued => {
    const [certPath, keyPath] = writeCredential(out, file, cert.certPem, cert.key.privateKeyPem, w) as [string, string];
    files.push(certPath, keyPath);
    const cn = cert.cert.subject.getField('CN') as { value: string };
    const { notBefore: from, notAfter: to } = cert.cert.validity;
    credentials.push({ file, commonName: cn.value, purpose, serialHex: cert.serialHex, notBefore: from.toISOString(), notAfter: to.toISOString(), certPath, keyPath });
    return cert;
  };
  const ca = write('ca', 'ca', issueCertificate({ commonName: opts.caName ?? 'esphil device CA', notBefore, notAfter, purpose: 'ca', key: newRsaKey() }));
  write('broker', 'serverAuth', issueCertificate({ commonName: brokerNames[0]!, altNames: brokerNames, notBefore, notAfter, purpose: 'serverAuth', key: newRsaKey() }, ca));
  for (const c of clients) {
    write(c.file, 'clientAuth', issueCertificate({ commonName: c.commonName, notBefore, notAfter, purpose: 'clientAuth', key: newRsaKey() }, ca));
  }
  // The operator signs AVR updates with this key; nodes built with the update hold the public half.
  files.push(...writeOtaKeyPair(out, OTA_SIGNING_KEY_FILE, OTA_PUBLIC_KEY_FILE, w));
  return { dir: out, credentials, files };
}
