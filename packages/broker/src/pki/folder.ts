// A deployment folder as `esphil certs` writes it, read and cross-checked
// before anything starts: every certificate must parse, match its key and be
// signed by the folder's CA, and the CRL must come from that CA. The first
// problem is named in one line (file and what is wrong).
import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { crlSignedBy, parseCrls } from './crl.ts';
import { OTA_PUBLIC_KEY_FILE, OTA_SIGNING_KEY_FILE } from './ota-keys.ts';

/** A certificate and its private key, as PEM text. */
export interface PkiCredentialFiles {
  certPath: string;
  certPem: string;
  keyPath: string;
  keyPem: string;
  commonName: string | null;
}

export interface PkiFolder {
  dir: string;
  ca: { path: string; pem: string };
  broker: PkiCredentialFiles;
  node: PkiCredentialFiles;
  operator: PkiCredentialFiles;
  /** The CA's revocation list, when the folder has one. */
  crl?: { path: string; pem: string };
  /** The AVR update signing pair (ota-signing.key / .pub), when the folder has one. */
  ota?: { signingPath: string; signingPem: string; publicPath: string; publicPem: string };
  /** The folder's mosquitto.conf (the broker's configuration). */
  confPath: string;
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`${path}: ${code === 'ENOENT' ? `missing (the ${what})` : `cannot read the ${what}: ${code ?? String(e)}`}`);
  }
}

function x509(path: string, pem: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (e) {
    throw new Error(`${path}: not a PEM certificate (${(e as Error).message})`);
  }
}

function privateKey(path: string, pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (e) {
    throw new Error(`${path}: not a PEM private key (${(e as Error).message})`);
  }
}

function commonName(cert: X509Certificate): string | null {
  return /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1] ?? null;
}

/**
 * Reads `<stem>.crt` and `<stem>.key` from `dir` and checks that the key is the
 * certificate's and, with `ca`, that the CA signed it. Reusable for any
 * credential provisioned next to the others (e.g. a signing key).
 */
export function readCredential(dir: string, stem: string, what: string, ca?: { path: string; cert: X509Certificate }): PkiCredentialFiles {
  const certPath = join(dir, `${stem}.crt`);
  const keyPath = join(dir, `${stem}.key`);
  const certPem = readPem(certPath, `${what} certificate`);
  const keyPem = readPem(keyPath, `${what} private key`);
  const cert = x509(certPath, certPem);
  if (!cert.checkPrivateKey(privateKey(keyPath, keyPem))) throw new Error(`${keyPath}: does not match ${certPath} (a key from another set?)`);
  if (ca && !(cert.checkIssued(ca.cert) && cert.verify(ca.cert.publicKey))) {
    throw new Error(`${certPath}: not signed by ${ca.path} (issuer ${cert.issuer.replace(/\n/g, ', ')})`);
  }
  return { certPath, certPem, keyPath, keyPem, commonName: commonName(cert) };
}

/** An operator's part of a set: what publishes commands and signs AVR updates, nothing the broker or node holds. */
export interface OperatorPki {
  dir: string;
  ca: { path: string; pem: string };
  operator: PkiCredentialFiles;
  /** ota-signing.key; its .pub, when present next to it, has been checked to be its public half. */
  otaSigning: { path: string; pem: string };
}

/** The folder resolved and its CA read and checked: the start of every load. */
function openFolder(dir: string, holds: string): { root: string; ca: { path: string; pem: string; cert: X509Certificate } } {
  const root = resolve(dir);
  if (!existsSync(root)) throw new Error(`${root}: no such PKI folder (make one with: esphil certs ${dir})`);
  if (!statSync(root).isDirectory()) throw new Error(`${root}: not a folder (${holds})`);
  const caPath = join(root, 'ca.crt');
  const caPem = readPem(caPath, 'CA certificate');
  const caCert = x509(caPath, caPem);
  if (!caCert.ca) throw new Error(`${caPath}: not a CA certificate (basicConstraints CA:FALSE)`);
  return { root, ca: { path: caPath, pem: caPem, cert: caCert } };
}

export function loadPkiFolder(dir: string): PkiFolder {
  const { root, ca } = openFolder(dir, 'a PKI folder holds ca.crt, broker.*, node.*, operator.*, ca.crl, mosquitto.conf');
  const { path: caPath, pem: caPem } = ca;
  const confPath = join(root, 'mosquitto.conf');
  readPem(confPath, 'broker configuration');
  const folder: PkiFolder = {
    dir: root,
    confPath,
    ca: { path: caPath, pem: caPem },
    broker: readCredential(root, 'broker', 'broker', ca),
    node: readCredential(root, 'node', 'node', ca),
    operator: readCredential(root, 'operator', 'operator', ca),
  };
  const crlPath = join(root, 'ca.crl');
  if (existsSync(crlPath)) {
    const pem = readPem(crlPath, 'CRL');
    const crls = parseCrls(pem, crlPath);
    crls.forEach((crl, i) => {
      if (!crlSignedBy(crl, caPem)) throw new Error(`${crlPath}: CRL${crls.length > 1 ? ` #${i + 1}` : ''} is not signed by ${caPath} (a CRL from another CA?)`);
    });
    folder.crl = { path: crlPath, pem };
  }
  const ota = readOtaPair(root);
  if (ota) folder.ota = ota;
  return folder;
}

/**
 * Only what an operator holds — ca.crt, operator.crt/.key and ota-signing.key — with the same
 * checks as loadPkiFolder: the key is the certificate's, the CA signed it, the signing key is usable.
 */
export function loadOperatorPki(dir: string): OperatorPki {
  const { root, ca } = openFolder(dir, `an operator's folder holds ca.crt, operator.crt, operator.key, ${OTA_SIGNING_KEY_FILE}`);
  const operator = readCredential(root, 'operator', 'operator', ca);
  const signingPath = join(root, OTA_SIGNING_KEY_FILE);
  const signingPem = readPem(signingPath, 'OTA signing key');
  if (existsSync(join(root, OTA_PUBLIC_KEY_FILE))) readOtaPair(root);
  else otaSigningKey(signingPath, signingPem);
  return { dir: root, ca: { path: ca.path, pem: ca.pem }, operator, otaSigning: { path: signingPath, pem: signingPem } };
}

/** The AVR update is signed ECDSA P-256 (docs/ota.md): any other key makes signatures every node refuses. */
function otaSigningKey(path: string, pem: string): KeyObject {
  const key = privateKey(path, pem);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(`${path}: not an ECDSA P-256 key (the OTA signing key is ECDSA P-256; got ${key.asymmetricKeyType}${key.asymmetricKeyDetails?.namedCurve ? ` ${key.asymmetricKeyDetails.namedCurve}` : ''})`);
  }
  return key;
}

/** ota-signing.key and .pub: both or neither, and the public key must be the private key's. */
function readOtaPair(root: string): PkiFolder['ota'] {
  const signingPath = join(root, OTA_SIGNING_KEY_FILE);
  const publicPath = join(root, OTA_PUBLIC_KEY_FILE);
  if (!existsSync(signingPath) && !existsSync(publicPath)) return undefined;
  const signingPem = readPem(signingPath, 'OTA signing key');
  const publicPem = readPem(publicPath, 'OTA public key');
  let given: string;
  try {
    given = createPublicKey(publicPem).export({ type: 'spki', format: 'pem' }) as string;
  } catch (e) {
    throw new Error(`${publicPath}: not a PEM public key (${(e as Error).message})`);
  }
  const derived = createPublicKey(otaSigningKey(signingPath, signingPem)).export({ type: 'spki', format: 'pem' }) as string;
  if (derived !== given) throw new Error(`${publicPath}: not the public half of ${signingPath}`);
  return { signingPath, signingPem, publicPath, publicPem };
}
