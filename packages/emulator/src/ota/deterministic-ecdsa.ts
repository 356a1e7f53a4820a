// ECDSA P-256 / SHA-256 with the nonce derived from the key and the message (RFC 6979),
// so the same manifest signed with the same key gives the same bytes on every run.
// Node's crypto (OpenSSL 3.0) only draws a random nonce: the signed `begin` payload, and
// with it the DER length (70..72 bytes), packet sizes and timing, would change run to run.
import { type KeyObject } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { UsageError } from '../cli/errors.ts';

/** The curve of the OTA signing key (docs/ota.md: ECDSA P-256), as a JWK names it. */
const OTA_CURVE_JWK = 'P-256';

/**
 * Signs `message` (SHA-256 is applied here) with the P-256 private `key`; ASN.1 DER, as
 * `crypto.sign('sha256', ...)` gives it. S is left as RFC 6979 computes it (high or low):
 * BearSSL's `br_ecdsa_i15_vrfy_asn1`, like OpenSSL, accepts both.
 */
export function signP256Sha256Der(message: Uint8Array, key: KeyObject): Buffer {
  const jwk = key.type === 'private' ? key.export({ format: 'jwk' }) : undefined;
  if (jwk?.kty !== 'EC' || jwk.crv !== OTA_CURVE_JWK || !jwk.d) {
    throw new UsageError(`OTA signing key: an ECDSA ${OTA_CURVE_JWK} private key is needed, got ${key.type} ${key.asymmetricKeyType}${jwk?.crv ? ` ${jwk.crv}` : ''}`);
  }
  const secret = Buffer.from(jwk.d, 'base64url');
  return Buffer.from(p256.sign(message, secret, { prehash: true, lowS: false, format: 'der', extraEntropy: false }));
}
