// BearSSL error codes (bearssl_ssl.h, bearssl_x509.h) and the ESP8266 core's OOM code.

export const BR_ERR_OK = 0;
export const BR_ERR_BAD_PARAM = 1;
export const BR_ERR_BAD_STATE = 2;
export const BR_ERR_UNSUPPORTED_VERSION = 3;
export const BR_ERR_BAD_VERSION = 4;
export const BR_ERR_BAD_LENGTH = 5;
export const BR_ERR_TOO_LARGE = 6;
export const BR_ERR_BAD_MAC = 7;
export const BR_ERR_UNEXPECTED = 10;
export const BR_ERR_BAD_HANDSHAKE = 14;
export const BR_ERR_BAD_CIPHER_SUITE = 16;
export const BR_ERR_WRONG_KEY_USAGE = 28;
export const BR_ERR_IO = 31;
export const BR_ERR_X509_INVALID_VALUE = 33;
export const BR_ERR_X509_EMPTY_CHAIN = 35;
export const BR_ERR_X509_UNSUPPORTED = 49;
export const BR_ERR_X509_BAD_SIGNATURE = 52;
export const BR_ERR_X509_EXPIRED = 54;
export const BR_ERR_X509_BAD_SERVER_NAME = 56;
export const BR_ERR_X509_NOT_CA = 58;
export const BR_ERR_X509_FORBIDDEN_KEY_USAGE = 59;
export const BR_ERR_X509_NOT_TRUSTED = 62;
/** Fatal alert received from the peer: BR_ERR_RECV_FATAL_ALERT + alert number. */
export const BR_ERR_RECV_FATAL_ALERT = 256;
/** Fatal alert sent to the peer: BR_ERR_SEND_FATAL_ALERT + alert number. */
export const BR_ERR_SEND_FATAL_ALERT = 512;
/** WiFiClientSecure::getLastSSLError() when the session buffers could not be allocated. */
export const ERR_OOM = -1000;

const NAMES: Record<number, string> = {
  [BR_ERR_OK]: 'BR_ERR_OK',
  [BR_ERR_BAD_PARAM]: 'BR_ERR_BAD_PARAM',
  [BR_ERR_BAD_STATE]: 'BR_ERR_BAD_STATE',
  [BR_ERR_UNSUPPORTED_VERSION]: 'BR_ERR_UNSUPPORTED_VERSION',
  [BR_ERR_BAD_VERSION]: 'BR_ERR_BAD_VERSION',
  [BR_ERR_BAD_LENGTH]: 'BR_ERR_BAD_LENGTH',
  [BR_ERR_TOO_LARGE]: 'BR_ERR_TOO_LARGE',
  [BR_ERR_BAD_MAC]: 'BR_ERR_BAD_MAC',
  [BR_ERR_UNEXPECTED]: 'BR_ERR_UNEXPECTED',
  [BR_ERR_BAD_HANDSHAKE]: 'BR_ERR_BAD_HANDSHAKE',
  [BR_ERR_BAD_CIPHER_SUITE]: 'BR_ERR_BAD_CIPHER_SUITE',
  [BR_ERR_WRONG_KEY_USAGE]: 'BR_ERR_WRONG_KEY_USAGE',
  [BR_ERR_IO]: 'BR_ERR_IO',
  [BR_ERR_X509_INVALID_VALUE]: 'BR_ERR_X509_INVALID_VALUE',
  [BR_ERR_X509_EMPTY_CHAIN]: 'BR_ERR_X509_EMPTY_CHAIN',
  [BR_ERR_X509_UNSUPPORTED]: 'BR_ERR_X509_UNSUPPORTED',
  [BR_ERR_X509_BAD_SIGNATURE]: 'BR_ERR_X509_BAD_SIGNATURE',
  [BR_ERR_X509_EXPIRED]: 'BR_ERR_X509_EXPIRED',
  [BR_ERR_X509_BAD_SERVER_NAME]: 'BR_ERR_X509_BAD_SERVER_NAME',
  [BR_ERR_X509_NOT_CA]: 'BR_ERR_X509_NOT_CA',
  [BR_ERR_X509_FORBIDDEN_KEY_USAGE]: 'BR_ERR_X509_FORBIDDEN_KEY_USAGE',
  [BR_ERR_X509_NOT_TRUSTED]: 'BR_ERR_X509_NOT_TRUSTED',
  [ERR_OOM]: 'ERR_OOM',
};

/** Symbolic name of a getLastSSLError() value, e.g. 54 → BR_ERR_X509_EXPIRED. */
export function brErrorName(code: number): string {
  if (NAMES[code]) return NAMES[code];
  if (code >= BR_ERR_SEND_FATAL_ALERT) return `BR_ERR_SEND_FATAL_ALERT+${code - BR_ERR_SEND_FATAL_ALERT}`;
  if (code >= BR_ERR_RECV_FATAL_ALERT) return `BR_ERR_RECV_FATAL_ALERT+${code - BR_ERR_RECV_FATAL_ALERT}`;
  return `BR_ERR_${code}`;
}
