// Client certificate checks done by the broker itself, against its own
// (virtual) clock: the chain (node-forge), the purpose (crypto.X509Certificate)
// and revocation (crlfile). Failures carry OpenSSL's X509_V_ERR_* names, the
// codes a real mosquitto would log for the same certificate.
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { certIssuerHash, certSubjectHash, crlSignedBy, isRevoked, parseCrls, type ParsedCrl } from '../pki/crl.ts';
import { certificatesFromPem, errorText } from '../pki/x509.ts';

const { pki } = forge;

export type VerifyError =
  | 'X509_V_ERR_CERT_HAS_EXPIRED'
  | 'X509_V_ERR_CERT_NOT_YET_VALID'
  | 'X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY'
  | 'X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN'
  | 'X509_V_ERR_CERT_SIGNATURE_FAILURE'
  | 'X509_V_ERR_INVALID_CA'
  | 'X509_V_ERR_INVALID_PURPOSE'
  | 'X509_V_ERR_CERT_REVOKED'
  | 'X509_V_ERR_UNABLE_TO_GET_CRL'
  | 'X509_V_ERR_CRL_HAS_EXPIRED'
  | 'X509_V_ERR_CRL_NOT_YET_VALID'
  | 'X509_V_ERR_CRL_SIGNATURE_FAILURE'
  | 'X509_V_ERR_UNSPECIFIED';

export type VerifyResult =
  | { ok: true; commonName: string | null; subject: string; serialHex: string }
  | { ok: false; code: VerifyError; reason: string };

const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const OID_ANY_EKU = '2.5.29.37.0';

export class TrustStore {
  readonly store: forge.pki.CAStore;
  readonly caPems: Map<string, string>;
  readonly caX509: X509Certificate[];
  readonly crls: ParsedCrl[];

  constructor(caPem: string, caWhere: string, crlPem?: string, crlWhere?: string) {
    const cas = certificatesFromPem(caPem, caWhere);
    this.store = pki.createCaStore(cas);
    this.caPems = new Map(cas.map((c) => [certSubjectHash(c), pki.certificateToPem(c)]));
    this.caX509 = [...this.caPems.values()].map((p) => new X509Certificate(p));
    this.crls = crlPem === undefined ? [] : parseCrls(crlPem, crlWhere ?? '<crl>');
    for (const [i, crl] of this.crls.entries()) {
      const ca = this.caPems.get(crl.issuerHash);
      // X509_V_ERR_CRL_SIGNATURE_FAILURE at load time beats a confusing refusal later.
      if (!ca || !crlSignedBy(crl, ca)) throw new Error(`${crlWhere}: CRL #${i + 1} is not signed by any certificate in the cafile`);
    }
  }

  get checksRevocation(): boolean {
    return this.crls.length > 0;
  }
}

function forgeCert(der: Buffer): forge.pki.Certificate {
  return pki.certificateFromAsn1(forge.asn1.fromDer(der.toString('binary')));
}

/** Checks a client chain (leaf first, DER as received) at `atMs` (ms since the epoch). */
export function verifyClientChain(chainDer: Buffer[], trust: TrustStore, atMs: number): VerifyResult {
  let chain: forge.pki.Certificate[];
  try {
    chain = chainDer.map(forgeCert);
  } catch (e) {
    return { ok: false, code: 'X509_V_ERR_UNSPECIFIED', reason: `unreadable client certificate: ${errorText(e)}` };
  }
  const leaf = chain[0]!;
  const at = new Date(atMs);
  // OpenSSL reports the leaf's own dates before anything about its issuer.
  if (at < leaf.validity.notBefore) {
    return { ok: false, code: 'X509_V_ERR_CERT_NOT_YET_VALID', reason: `certificate not valid before ${leaf.validity.notBefore.toISOString()} (broker date ${at.toISOString()})` };
  }
  if (at > leaf.validity.notAfter) {
    return { ok: false, code: 'X509_V_ERR_CERT_HAS_EXPIRED', reason: `certificate expired ${leaf.validity.notAfter.toISOString()} (broker date ${at.toISOString()})` };
  }
  // Issuers are found as OpenSSL does, by name *and* authority key id (X509_check_issued):
  // a same-name rogue CA is "unknown", not "bad signature" (forge matches by name only).
  const leafX509 = new X509Certificate(chainDer[0]!);
  // Node hands over the chain as it verified it, our own CA at the end: a leaf followed only by
  // a trusted CA certificate is the direct case (native checks, not forge's JS RSA).
  const direct = chain.length === 1 || (chain.length === 2 && trust.caX509.some((ca) => ca.raw.equals(chainDer[1]!)));
  const failure = direct ? checkDirectIssuer(leafX509, trust, at) : checkLongChain(chain, chainDer, trust, at);
  if (failure) return failure;
  const purposeError = clientPurposeError(leafX509, leaf);
  if (purposeError) return { ok: false, code: 'X509_V_ERR_INVALID_PURPOSE', reason: purposeError };
  if (trust.checksRevocation) {
    const crl = trust.crls.find((c) => c.issuerHash === certIssuerHash(leaf));
    if (!crl) return { ok: false, code: 'X509_V_ERR_UNABLE_TO_GET_CRL', reason: 'no CRL for the certificate issuer in crlfile' };
    if (at < crl.thisUpdate) return { ok: false, code: 'X509_V_ERR_CRL_NOT_YET_VALID', reason: `CRL not valid before ${crl.thisUpdate.toISOString()}` };
    if (crl.nextUpdate && at > crl.nextUpdate) return { ok: false, code: 'X509_V_ERR_CRL_HAS_EXPIRED', reason: `CRL expired ${crl.nextUpdate.toISOString()}` };
    if (isRevoked(crl, leaf.serialNumber)) return { ok: false, code: 'X509_V_ERR_CERT_REVOKED', reason: `certificate serial ${leaf.serialNumber} is revoked` };
  }
  const cn = leaf.subject.getField('CN') as { value: string } | null;
  return { ok: true, commonName: cn ? cn.value : null, subject: rfc2253(leafX509), serialHex: leaf.serialNumber };
}

type Failure = Extract<VerifyResult, { ok: false }>;

/** The usual case, a leaf issued straight by a trusted CA: native checks (forge's JS RSA costs ~10 ms). */
function checkDirectIssuer(leaf: X509Certificate, trust: TrustStore, at: Date): Failure | null {
  const issuer = trust.caX509.find((ca) => leaf.checkIssued(ca));
  if (!issuer) {
    return { ok: false, code: 'X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY', reason: `no trusted CA issued this certificate (issuer ${leaf.issuer.replace(/\n/g, ', ')})` };
  }
  if (!issuer.ca) return { ok: false, code: 'X509_V_ERR_INVALID_CA', reason: `issuer ${issuer.subject.replace(/\n/g, ', ')} is not a CA` };
  if (!leaf.verify(issuer.publicKey)) return { ok: false, code: 'X509_V_ERR_CERT_SIGNATURE_FAILURE', reason: 'certificate signature does not verify with the CA key' };
  if (at < new Date(issuer.validFrom)) return { ok: false, code: 'X509_V_ERR_CERT_NOT_YET_VALID', reason: `CA certificate not valid before ${issuer.validFrom}` };
  if (at > new Date(issuer.validTo)) return { ok: false, code: 'X509_V_ERR_CERT_HAS_EXPIRED', reason: `CA certificate expired ${issuer.validTo}` };
  return null;
}

/** A leaf sent with intermediates: node-forge walks the chain at the broker's date. */
function checkLongChain(chain: forge.pki.Certificate[], chainDer: Buffer[], trust: TrustStore, at: Date): Failure | null {
  const top = new X509Certificate(chainDer[chainDer.length - 1]!);
  if (top.checkIssued(top) && !trust.caX509.some((ca) => ca.raw.equals(top.raw))) {
    return { ok: false, code: 'X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN', reason: `untrusted self-signed certificate in the chain (${top.subject.replace(/\n/g, ', ')})` };
  }
  try {
    // node-forge throws plain objects whose `error` is one of pki.certificateError's strings.
    pki.verifyCertificateChain(trust.store, chain, { validityCheckDate: at });
  } catch (e) {
    const err = (e ?? {}) as { error?: string };
    const code: VerifyError =
      err.error === 'forge.pki.UnknownCertificateAuthority' ? 'X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY'
      : err.error === 'forge.pki.BadCertificate' ? 'X509_V_ERR_CERT_SIGNATURE_FAILURE'
      : err.error === 'forge.pki.CertificateExpired' ? 'X509_V_ERR_CERT_HAS_EXPIRED'
      : 'X509_V_ERR_UNSPECIFIED';
    return { ok: false, code, reason: errorText(e) };
  }
  return null;
}

/** OpenSSL's X509_PURPOSE_SSL_CLIENT check (crypto/x509/v3_purp.c check_purpose_ssl_client). */
function clientPurposeError(leafX509: X509Certificate, leaf: forge.pki.Certificate): string | null {
  const eku = leafX509.keyUsage; // extended key usage OIDs, undefined when absent
  if (eku && !eku.includes(OID_CLIENT_AUTH) && !eku.includes(OID_ANY_EKU)) {
    return `extendedKeyUsage ${eku.join(', ')} does not allow TLS client authentication (${OID_CLIENT_AUTH})`;
  }
  const ku = leaf.getExtension('keyUsage') as { digitalSignature?: boolean; keyAgreement?: boolean } | undefined;
  if (ku && !ku.digitalSignature && !ku.keyAgreement) return 'keyUsage lacks digitalSignature';
  return null;
}

/** The subject as mosquitto's use_subject_as_username gives it (X509_NAME_print_ex, XN_FLAG_RFC2253): last RDN first. */
function rfc2253(cert: X509Certificate): string {
  return cert.subject
    .split('\n')
    .reverse()
    .map((rdn) => rdn.replace(/([,+"\\<>;])/g, '\\$1'))
    .join(',');
}
