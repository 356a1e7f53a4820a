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
  | { ok: true; commonName: string | null; serialHex: string }
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
  // OpenSSL finds an issuer by name *and* authority key id (X509_check_issued),
  // so a same-name rogue CA is "unknown", not "bad signature"; forge matches by name only.
  const leafX509 = new X509Certificate(chainDer[0]!);
  if (chain.length === 1 && !trust.caX509.some((ca) => leafX509.checkIssued(ca))) {
    return { ok: false, code: 'X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY', reason: `no trusted CA issued this certificate (issuer ${leafX509.issuer.replace(/\n/g, ', ')})` };
  }
  const top = new X509Certificate(chainDer[chainDer.length - 1]!);
  if (chain.length > 1 && top.checkIssued(top) && !trust.caX509.some((ca) => ca.raw.equals(top.raw))) {
    return { ok: false, code: 'X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN', reason: `untrusted self-signed certificate in the chain (${top.subject.replace(/\n/g, ', ')})` };
  }
  try {
    // node-forge throws plain objects whose `error` is one of pki.certificateError's strings.
    pki.verifyCertificateChain(trust.store, chain, { validityCheckDate: at });
  } catch (e) {
    const err = (e ?? {}) as { error?: string; message?: string };
    const code: VerifyError =
      err.error === 'forge.pki.UnknownCertificateAuthority' ? 'X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY'
      : err.error === 'forge.pki.BadCertificate' ? 'X509_V_ERR_CERT_SIGNATURE_FAILURE'
      : err.error === 'forge.pki.CertificateExpired' ? 'X509_V_ERR_CERT_HAS_EXPIRED'
      : 'X509_V_ERR_UNSPECIFIED';
    return { ok: false, code, reason: errorText(e) };
  }
  const purposeError = clientPurposeError(chainDer[0]!, leaf);
  if (purposeError) return { ok: false, code: 'X509_V_ERR_INVALID_PURPOSE', reason: purposeError };
  if (trust.checksRevocation) {
    const crl = trust.crls.find((c) => c.issuerHash === certIssuerHash(leaf));
    if (!crl) return { ok: false, code: 'X509_V_ERR_UNABLE_TO_GET_CRL', reason: 'no CRL for the certificate issuer in crlfile' };
    if (at < crl.thisUpdate) return { ok: false, code: 'X509_V_ERR_CRL_NOT_YET_VALID', reason: `CRL not valid before ${crl.thisUpdate.toISOString()}` };
    if (crl.nextUpdate && at > crl.nextUpdate) return { ok: false, code: 'X509_V_ERR_CRL_HAS_EXPIRED', reason: `CRL expired ${crl.nextUpdate.toISOString()}` };
    if (isRevoked(crl, leaf.serialNumber)) return { ok: false, code: 'X509_V_ERR_CERT_REVOKED', reason: `certificate serial ${leaf.serialNumber} is revoked` };
  }
  const cn = leaf.subject.getField('CN') as { value: string } | null;
  return { ok: true, commonName: cn ? cn.value : null, serialHex: leaf.serialNumber };
}

/** OpenSSL's X509_PURPOSE_SSL_CLIENT check (crypto/x509/v3_purp.c check_purpose_ssl_client). */
function clientPurposeError(der: Buffer, leaf: forge.pki.Certificate): string | null {
  const eku = new X509Certificate(der).keyUsage; // extended key usage OIDs, undefined when absent
  if (eku && !eku.includes(OID_CLIENT_AUTH) && !eku.includes(OID_ANY_EKU)) {
    return `extendedKeyUsage ${eku.join(', ')} does not allow TLS client authentication (${OID_CLIENT_AUTH})`;
  }
  const ku = leaf.getExtension('keyUsage') as { digitalSignature?: boolean; keyAgreement?: boolean } | undefined;
  if (ku && !ku.digitalSignature && !ku.keyAgreement) return 'keyUsage lacks digitalSignature';
  return null;
}
