// X.509 v2 certificate revocation lists (RFC 5280 §5). node-forge has no CRL
// support, so the ASN.1 is built and read here; signatures use Node's crypto.
import { X509Certificate, sign, verify } from 'node:crypto';
import forge from 'node-forge';
import { errorText, type Issuer } from './x509.ts';

const { asn1, pki } = forge;
const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const RSA_DIGESTS: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1',
  [SHA256_WITH_RSA]: 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};
const OID_CRL_NUMBER = '2.5.29.20';
const OID_AUTHORITY_KEY_ID = '2.5.29.35';

export interface CrlSpec {
  thisUpdate: Date;
  nextUpdate: Date;
  revoked: { serialHex: string; revocationDate: Date }[];
  crlNumber: number;
}

function time(d: Date): forge.asn1.Asn1 {
  // RFC 5280 §5.1.2.4: UTCTime through 2049, GeneralizedTime after.
  return d.getUTCFullYear() < 2050
    ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(d))
    : asn1.create(asn1.Class.UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(d));
}

function integerFromHex(hex: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, forge.util.hexToBytes(hex));
}

function sigAlg(): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(SHA256_WITH_RSA).getBytes()),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
  ]);
}

function extension(oid: string, value: forge.asn1.Asn1): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes()),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, asn1.toDer(value).getBytes()),
  ]);
}

/** Builds and signs a CRL for `issuer`; returns PEM ("X509 CRL", as mosquitto's crlfile expects). */
export function makeCrl(issuer: Issuer, spec: CrlSpec): string {
  const S = asn1.Class.UNIVERSAL;
  const T = asn1.Type;
  const revoked = spec.revoked.map((r) =>
    asn1.create(S, T.SEQUENCE, true, [integerFromHex(r.serialHex), time(r.revocationDate)]),
  );
  const ski = issuer.cert.generateSubjectKeyIdentifier().getBytes();
  const akid = asn1.create(S, T.SEQUENCE, true, [asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, ski)]);
  const crlNumber = asn1.create(S, T.INTEGER, false, asn1.integerToDer(spec.crlNumber).getBytes());
  const tbs = asn1.create(S, T.SEQUENCE, true, [
    asn1.create(S, T.INTEGER, false, asn1.integerToDer(1).getBytes()), // v2
    sigAlg(),
    pki.distinguishedNameToAsn1(issuer.cert.subject),
    time(spec.thisUpdate),
    time(spec.nextUpdate),
    ...(revoked.length > 0 ? [asn1.create(S, T.SEQUENCE, true, revoked)] : []),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
      asn1.create(S, T.SEQUENCE, true, [extension(OID_AUTHORITY_KEY_ID, akid), extension(OID_CRL_NUMBER, crlNumber)]),
    ]),
  ]);
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign('sha256', tbsDer, issuer.key.privateKeyPem);
  const crl = asn1.create(S, T.SEQUENCE, true, [
    tbs,
    sigAlg(),
    asn1.create(S, T.BITSTRING, false, '\x00' + signature.toString('binary')),
  ]);
  const der = asn1.toDer(crl).getBytes();
  return forge.pem.encode({ type: 'X509 CRL', body: der });
}

/** makeCrl for a CA given as PEM text (ca.crt and ca.key of a set): how a credential is revoked later. */
export function makeCrlFromPem(caCertPem: string, caKeyPem: string, spec: CrlSpec): string {
  return makeCrl({ cert: pki.certificateFromPem(caCertPem), key: { privateKeyPem: caKeyPem, publicKeyPem: '' } }, spec);
}

export interface ParsedCrl {
  /** Issuer distinguished name hash, to find it by a certificate's issuer. */
  issuerHash: string;
  thisUpdate: Date;
  nextUpdate: Date | null;
  revokedSerials: Set<string>;
  digest: string;
  tbsDer: Buffer;
  signature: Buffer;
}

function normSerial(hex: string): string {
  return hex.toLowerCase().replace(/^0+(?=.)/, '');
}

function readTime(node: forge.asn1.Asn1): Date {
  const v = node.value as string;
  return node.type === asn1.Type.UTCTIME ? asn1.utcTimeToDate(v) : asn1.generalizedTimeToDate(v);
}

/** Parses every CRL in a PEM file. */
export function parseCrls(pem: string, where: string): ParsedCrl[] {
  let msgs: forge.pem.ObjectPEM[];
  try {
    msgs = forge.pem.decode(pem).filter((m) => m.type === 'X509 CRL');
  } catch (e) {
    throw new Error(`${where}: ${errorText(e)}`);
  }
  if (msgs.length === 0) throw new Error(`${where}: no PEM "X509 CRL" block found`);
  return msgs.map((m, i) => {
    try {
      const root = asn1.fromDer(m.body);
      const [tbs, alg, sigBits] = root.value as forge.asn1.Asn1[];
      const algOid = asn1.derToOid((alg!.value as forge.asn1.Asn1[])[0]!.value as string);
      const digest = RSA_DIGESTS[algOid];
      if (!digest) throw new Error(`unsupported signature algorithm ${algOid}`);
      const f = (tbs!.value as forge.asn1.Asn1[]).slice();
      // version is OPTIONAL (absent in v1 CRLs)
      if (f[0]!.type === asn1.Type.INTEGER) f.shift();
      const [, issuer, thisUpdate, maybeNext, maybeRevoked] = f;
      let next: Date | null = null;
      let revokedNode: forge.asn1.Asn1 | undefined = maybeRevoked;
      if (maybeNext && (maybeNext.type === asn1.Type.UTCTIME || maybeNext.type === asn1.Type.GENERALIZEDTIME)) {
        next = readTime(maybeNext);
      } else {
        revokedNode = maybeNext;
      }
      const revokedSerials = new Set<string>();
      if (revokedNode && revokedNode.tagClass === asn1.Class.UNIVERSAL && revokedNode.type === asn1.Type.SEQUENCE) {
        for (const entry of revokedNode.value as forge.asn1.Asn1[]) {
          const serial = (entry.value as forge.asn1.Asn1[])[0]!.value as string;
          revokedSerials.add(normSerial(forge.util.bytesToHex(serial)));
        }
      }
      return {
        issuerHash: dnHash(issuer!),
        thisUpdate: readTime(thisUpdate!),
        nextUpdate: next,
        revokedSerials,
        digest,
        tbsDer: Buffer.from(asn1.toDer(tbs!).getBytes(), 'binary'),
        signature: Buffer.from((sigBits!.value as string).slice(1), 'binary'),
      };
    } catch (e) {
      throw new Error(`${where}: CRL #${i + 1}: ${errorText(e)}`);
    }
  });
}

/** A stable key for a distinguished name: its DER. */
export function dnHash(dn: forge.asn1.Asn1): string {
  return forge.util.bytesToHex(asn1.toDer(dn).getBytes());
}

export function certIssuerHash(cert: forge.pki.Certificate): string {
  return dnHash(pki.distinguishedNameToAsn1(cert.issuer));
}

export function certSubjectHash(cert: forge.pki.Certificate): string {
  return dnHash(pki.distinguishedNameToAsn1(cert.subject));
}

export function crlSignedBy(crl: ParsedCrl, caPem: string): boolean {
  return verify(crl.digest, crl.tbsDer, new X509Certificate(caPem).publicKey, crl.signature);
}

export function isRevoked(crl: ParsedCrl, serialHex: string): boolean {
  return crl.revokedSerials.has(normSerial(serialHex));
}
