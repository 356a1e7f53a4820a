// Server chain validation as BearSSL's x509_minimal does it, at the ESP's own time():
// end-entity dates, then its name, then the path to a trust anchor.
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';
import {
  BR_ERR_X509_BAD_SERVER_NAME,
  BR_ERR_X509_BAD_SIGNATURE,
  BR_ERR_X509_EMPTY_CHAIN,
  BR_ERR_X509_EXPIRED,
  BR_ERR_X509_FORBIDDEN_KEY_USAGE,
  BR_ERR_X509_INVALID_VALUE,
  BR_ERR_X509_NOT_CA,
  BR_ERR_X509_NOT_TRUSTED,
  BR_ERR_X509_UNSUPPORTED,
} from './errors.ts';

export type ChainVerdict = { ok: true } | { ok: false; code: number; detail: string };

// pki.certificateError values (node-forge x509.js; missing from @types/node-forge).
const FORGE_EXPIRED = 'forge.pki.CertificateExpired';
const FORGE_UNKNOWN_CA = 'forge.pki.UnknownCertificateAuthority';
const FORGE_BAD_CERTIFICATE = 'forge.pki.BadCertificate';

const OID_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const OID_ANY_EKU = '2.5.29.37.0';

/** Split a PEM bundle into its certificates (X509List accepts several). */
export function pemCertificates(pem: string, what: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (!blocks.length) throw new Error(`${what}: no PEM CERTIFICATE block found`);
  return blocks.map((b, i) => {
    try {
      return new X509Certificate(b);
    } catch (e) {
      throw new Error(`${what}: certificate #${i + 1} does not parse: ${(e as Error).message}`);
    }
  });
}

// node-forge only reads its own objects; go through DER so Node and forge see the same bytes.
function toForge(der: Buffer): forge.pki.Certificate {
  return forge.pki.certificateFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary'))));
}

function nameMatches(leaf: X509Certificate, host: string): boolean {
  if (isIP(host)) return leaf.checkIP(host) !== undefined;
  return leaf.checkHost(host, { subject: 'default' }) !== undefined;
}

interface ForgeFailure {
  error?: string;
  message?: string;
}

/**
 * Validate the chain the server sent (leaf first) against the trust anchors at `atUnixSec`.
 * `host` is the name given to connect(); null skips the name check (connect by IPAddress).
 */
export function validateServerChain(
  chainDer: Buffer[],
  anchors: X509Certificate[],
  host: string | null,
  atUnixSec: number,
): ChainVerdict {
  if (directlyTrusted(chainDer, anchors, host, new Date(atUnixSec * 1000))) return { ok: true };
  return validateWithForge(chainDer, anchors, host, atUnixSec);
}

const isRSA = (c: X509Certificate): boolean => c.publicKey.asymmetricKeyType === 'rsa';
const validAt = (c: X509Certificate, at: Date): boolean => at >= new Date(c.validFrom) && at <= new Date(c.validTo);

/**
 * The usual case, one RSA leaf signed straight by an RSA trust anchor, checked natively
 * (crypto.X509Certificate.verify; node-forge's JavaScript RSA costs milliseconds per
 * handshake). The chain is the leaf alone, or the leaf and that very anchor (Node's
 * peer chain ends with the CA it verified against): then the full path also checks the
 * anchor's own self-signature, and so does this. True only when every check the full
 * path makes passes; anything else, failures included, goes the full path, so verdicts
 * and their details are unchanged.
 */
function directlyTrusted(chainDer: Buffer[], anchors: X509Certificate[], host: string | null, at: Date): boolean {
  if (chainDer.length !== 1 && chainDer.length !== 2) return false;
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(chainDer[0]!);
  } catch {
    return false;
  }
  if (!isRSA(leaf) || !validAt(leaf, at) || (host !== null && !nameMatches(leaf, host))) return false;
  const eku = leaf.keyUsage;
  if (eku && eku.length && !eku.includes(OID_SERVER_AUTH) && !eku.includes(OID_ANY_EKU)) return false;
  const sent = chainDer[1];
  const candidates = sent === undefined ? anchors : anchors.filter((a) => a.raw.equals(sent) && a.checkIssued(a) && a.verify(a.publicKey));
  return candidates.some((a) => a.ca && isRSA(a) && validAt(a, at) && leaf.checkIssued(a) && leaf.verify(a.publicKey));
}

/** The full path: node-forge walks the chain; validateServerChain takes it whenever the native check is not sure. */
export function validateWithForge(
  chainDer: Buffer[],
  anchors: X509Certificate[],
  host: string | null,
  atUnixSec: number,
): ChainVerdict {
  if (!chainDer.length) return { ok: false, code: BR_ERR_X509_EMPTY_CHAIN, detail: 'server sent no certificate' };
  let chain: forge.pki.Certificate[];
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(chainDer[0]!);
    chain = chainDer.map(toForge);
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    const code = /not RSA|OID/i.test(msg) ? BR_ERR_X509_UNSUPPORTED : BR_ERR_X509_INVALID_VALUE;
    return { ok: false, code, detail: `server certificate does not decode: ${msg}` };
  }
  const at = new Date(atUnixSec * 1000);
  const { notBefore, notAfter } = chain[0]!.validity;
  if (at < notBefore || at > notAfter) {
    return {
      ok: false,
      code: BR_ERR_X509_EXPIRED,
      detail: `server certificate valid ${notBefore.toISOString()}..${notAfter.toISOString()}, ESP time() is ${at.toISOString()}`,
    };
  }
  if (host !== null && !nameMatches(leaf, host)) {
    return { ok: false, code: BR_ERR_X509_BAD_SERVER_NAME, detail: `server certificate (${leaf.subject.replace(/\n/g, ', ')}) does not name ${host}` };
  }
  const eku = leaf.keyUsage; // Node reports the extended key usages here
  if (eku && eku.length && !eku.includes(OID_SERVER_AUTH) && !eku.includes(OID_ANY_EKU)) {
    return { ok: false, code: BR_ERR_X509_FORBIDDEN_KEY_USAGE, detail: `server certificate extended key usage ${eku.join(',')} lacks serverAuth` };
  }
  let store: forge.pki.CAStore;
  try {
    store = forge.pki.createCaStore(anchors.map((a) => toForge(a.raw)));
  } catch (e) {
    return { ok: false, code: BR_ERR_X509_UNSUPPORTED, detail: `trust anchor not usable: ${(e as Error).message}` };
  }
  let failedDepth = -1;
  const chainLength = chain.length;
  try {
    forge.pki.verifyCertificateChain(store, chain.slice(), {
      validityCheckDate: at,
      verify: (verified, depth) => {
        if (verified !== true && failedDepth < 0) failedDepth = depth;
        return verified === true;
      },
    });
    return { ok: true };
  } catch (e) {
    // forge throws plain objects {message, error}
    const f = e as ForgeFailure;
    const detail = `chain check failed at depth ${failedDepth}: ${f.message ?? String(e)}`;
    switch (f.error) {
      case FORGE_EXPIRED:
        return { ok: false, code: BR_ERR_X509_EXPIRED, detail };
      case FORGE_UNKNOWN_CA:
        return { ok: false, code: BR_ERR_X509_NOT_TRUSTED, detail };
      case FORGE_BAD_CERTIFICATE:
        if (/not a CA|keyUsage|basicConstraints/i.test(f.message ?? '')) return { ok: false, code: BR_ERR_X509_NOT_CA, detail };
        // A signature that a trust anchor does not vouch for is "not trusted"; inside the chain it is a bad signature.
        return { ok: false, code: failedDepth >= chainLength - 1 ? BR_ERR_X509_NOT_TRUSTED : BR_ERR_X509_BAD_SIGNATURE, detail };
      default:
        return { ok: false, code: BR_ERR_X509_NOT_TRUSTED, detail };
    }
  }
}
