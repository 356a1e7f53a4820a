// Certificate issuance for the test and user PKI: keys are generated natively
// (RSA-2048 in ~0.1 s), certificates are built and signed with node-forge.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

const { pki } = forge;

export interface KeyPairPem {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** A fresh RSA-2048 key: BearSSL on the ESP8266 and mosquitto both take RSA. */
export function newRsaKey(): KeyPairPem {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

export type Purpose = 'ca' | 'serverAuth' | 'clientAuth';

export interface CertSpec {
  commonName: string;
  /** Extra subject attributes after CN (e.g. O). */
  organization?: string;
  notBefore: Date;
  notAfter: Date;
  purpose: Purpose;
  /** DNS names and IP addresses for subjectAltName (server certificates). */
  altNames?: string[];
  key: KeyPairPem;
}

export interface Issuer {
  cert: forge.pki.Certificate;
  key: KeyPairPem;
}

export interface Issued {
  cert: forge.pki.Certificate;
  certPem: string;
  key: KeyPairPem;
  serialHex: string;
}

/** Positive 16-byte serial (RFC 5280 §4.1.2.2: at most 20 octets, non-negative). */
function newSerialHex(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x10;
  return b.toString('hex');
}

/** Issues a certificate; without `issuer` it is self-signed (a root CA). */
export function issueCertificate(spec: CertSpec, issuer?: Issuer): Issued {
  const cert = pki.createCertificate();
  cert.publicKey = pki.publicKeyFromPem(spec.key.publicKeyPem);
  cert.serialNumber = newSerialHex();
  cert.validity.notBefore = spec.notBefore;
  cert.validity.notAfter = spec.notAfter;
  const subject: forge.pki.CertificateField[] = [{ name: 'commonName', value: spec.commonName }];
  if (spec.organization) subject.push({ name: 'organizationName', value: spec.organization });
  cert.setSubject(subject);
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : subject);

  const extensions: object[] = [];
  if (spec.purpose === 'ca') {
    extensions.push({ name: 'basicConstraints', cA: true, critical: true });
    // cRLSign: OpenSSL refuses a CRL signed by a CA without it (X509_V_ERR_KEYUSAGE_NO_CRL_SIGN).
    extensions.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true });
  } else {
    extensions.push({ name: 'basicConstraints', cA: false });
    extensions.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true });
    extensions.push({ name: 'extKeyUsage', [spec.purpose]: true });
  }
  if (spec.altNames && spec.altNames.length > 0) {
    extensions.push({
      name: 'subjectAltName',
      altNames: spec.altNames.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })),
    });
  }
  extensions.push({ name: 'subjectKeyIdentifier' });
  if (issuer) {
    const ski = issuer.cert.generateSubjectKeyIdentifier().getBytes();
    extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: ski });
  }
  cert.setExtensions(extensions);
  const signer = pki.privateKeyFromPem((issuer ?? { key: spec.key }).key.privateKeyPem);
  cert.sign(signer, forge.md.sha256.create());
  const certPem = pki.certificateToPem(cert);
  return { cert: pki.certificateFromPem(certPem), certPem, key: spec.key, serialHex: cert.serialNumber };
}

/** All certificates in a PEM bundle (a cafile may hold several). */
export function certificatesFromPem(pem: string, where: string): forge.pki.Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error(`${where}: no PEM certificate found`);
  return blocks.map((b, i) => {
    try {
      return pki.certificateFromPem(b);
    } catch (e) {
      throw new Error(`${where}: certificate #${i + 1}: ${errorText(e)}`);
    }
  });
}

/** node-forge throws plain objects with a message; make them readable. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}
