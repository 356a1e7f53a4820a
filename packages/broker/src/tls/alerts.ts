// Fatal alerts for a refused client certificate (RFC 5246 §7.2, RFC 8446 §6.2), chosen
// as OpenSSL does (ssl/statem/statem_lib.c ssl_x509err2alert), so a client sees
// the same alert from this broker as from mosquitto.
import type { VerifyError } from './verify.ts';

export const SSL_AD_HANDSHAKE_FAILURE = 40;
const SSL_AD_BAD_CERTIFICATE = 42;
const SSL_AD_UNSUPPORTED_CERTIFICATE = 43;
const SSL_AD_CERTIFICATE_REVOKED = 44;
const SSL_AD_CERTIFICATE_EXPIRED = 45;
const SSL_AD_UNKNOWN_CA = 48;
const SSL_AD_DECRYPT_ERROR = 51;
const SSL_AD_INTERNAL_ERROR = 80;
export const SSL_AD_CERTIFICATE_REQUIRED = 116;

const ALERT: Record<VerifyError, number> = {
  X509_V_ERR_CERT_HAS_EXPIRED: SSL_AD_CERTIFICATE_EXPIRED,
  X509_V_ERR_CERT_NOT_YET_VALID: SSL_AD_BAD_CERTIFICATE,
  X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY: SSL_AD_UNKNOWN_CA,
  X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: SSL_AD_UNKNOWN_CA,
  X509_V_ERR_CERT_SIGNATURE_FAILURE: SSL_AD_DECRYPT_ERROR,
  X509_V_ERR_INVALID_CA: SSL_AD_UNKNOWN_CA,
  X509_V_ERR_INVALID_PURPOSE: SSL_AD_UNSUPPORTED_CERTIFICATE,
  X509_V_ERR_CERT_REVOKED: SSL_AD_CERTIFICATE_REVOKED,
  X509_V_ERR_UNABLE_TO_GET_CRL: SSL_AD_UNKNOWN_CA,
  X509_V_ERR_CRL_HAS_EXPIRED: SSL_AD_CERTIFICATE_EXPIRED,
  X509_V_ERR_CRL_NOT_YET_VALID: SSL_AD_BAD_CERTIFICATE,
  X509_V_ERR_CRL_SIGNATURE_FAILURE: SSL_AD_DECRYPT_ERROR,
  X509_V_ERR_UNSPECIFIED: SSL_AD_INTERNAL_ERROR,
};

export function alertFor(code: VerifyError): number {
  return ALERT[code];
}

/**
 * A plaintext fatal alert record. Valid only before the server has sent its
 * ChangeCipherSpec, i.e. while a TLS 1.2 handshake is still in progress.
 */
export function tls12FatalAlert(description: number): Buffer {
  return Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, description]);
}
