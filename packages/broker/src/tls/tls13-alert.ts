// A TLS 1.3 fatal alert as OpenSSL's server sends it after its own Finished:
// an encrypted record under the server application traffic secret (RFC 8446
// §5.2, §7.1, §7.3). Node's TLS server never refuses a client certificate
// itself (the broker judges it at its own clock), so the broker seals this
// record with the secret from Node's 'keylog' event.
import { createCipheriv, createHmac, type CipherCCMTypes, type CipherGCMTypes } from 'node:crypto';

const TLS_CONTENT_TYPE_ALERT = 21;
const TLS_CONTENT_TYPE_APPLICATION_DATA = 23;
const TLS_ALERT_LEVEL_FATAL = 2;
/** legacy_record_version of every TLS 1.3 record. */
const TLS_LEGACY_RECORD_VERSION = 0x0303;
const TLS13_IV_LENGTH = 12;

interface Tls13Suite {
  hash: 'sha256' | 'sha384';
  cipher: CipherGCMTypes | CipherCCMTypes | 'chacha20-poly1305';
  keyLength: number;
  tagLength: number;
}

/** RFC 8446 Appendix B.4, by the IANA names Node's getCipher().standardName gives. */
const TLS13_SUITES: Record<string, Tls13Suite> = {
  TLS_AES_128_GCM_SHA256: { hash: 'sha256', cipher: 'aes-128-gcm', keyLength: 16, tagLength: 16 },
  TLS_AES_256_GCM_SHA384: { hash: 'sha384', cipher: 'aes-256-gcm', keyLength: 32, tagLength: 16 },
  TLS_CHACHA20_POLY1305_SHA256: { hash: 'sha256', cipher: 'chacha20-poly1305', keyLength: 32, tagLength: 16 },
  TLS_AES_128_CCM_SHA256: { hash: 'sha256', cipher: 'aes-128-ccm', keyLength: 16, tagLength: 16 },
  TLS_AES_128_CCM_8_SHA256: { hash: 'sha256', cipher: 'aes-128-ccm', keyLength: 16, tagLength: 8 },
};

/** HKDF-Expand (RFC 5869 §2.3) with `secret` as the PRK. */
function hkdfExpand(hash: string, secret: Buffer, info: Buffer, length: number): Buffer {
  let okm = Buffer.alloc(0);
  let t = Buffer.alloc(0);
  for (let i = 1; okm.length < length; i++) {
    t = createHmac(hash, secret).update(Buffer.concat([t, info, Buffer.from([i])])).digest();
    okm = Buffer.concat([okm, t]);
  }
  return okm.subarray(0, length);
}

/** HKDF-Expand-Label(Secret, Label, "", Length) of RFC 8446 §7.1. */
function hkdfExpandLabel(hash: string, secret: Buffer, label: string, length: number): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, fullLabel.length]), fullLabel, Buffer.from([0])]);
  return hkdfExpand(hash, secret, info, length);
}

/**
 * The record carrying fatal alert `description`, sealed with `trafficSecret`
 * under `suite` as record number `seq` of that key (RFC 8446 §5.3 nonce).
 */
export function tls13FatalAlert(suite: string, trafficSecret: Buffer, description: number, seq = 0n): Buffer {
  const s = TLS13_SUITES[suite];
  if (!s) throw new Error(`not a TLS 1.3 cipher suite: ${suite}`);
  const key = hkdfExpandLabel(s.hash, trafficSecret, 'key', s.keyLength);
  const nonce = hkdfExpandLabel(s.hash, trafficSecret, 'iv', TLS13_IV_LENGTH);
  for (let i = 0; i < 8; i++) nonce[TLS13_IV_LENGTH - 1 - i]! ^= Number((seq >> BigInt(8 * i)) & 0xffn);
  // TLSInnerPlaintext: the alert, then its real content type; no padding.
  const inner = Buffer.from([TLS_ALERT_LEVEL_FATAL, description, TLS_CONTENT_TYPE_ALERT]);
  const length = inner.length + s.tagLength;
  const header = Buffer.from([TLS_CONTENT_TYPE_APPLICATION_DATA, TLS_LEGACY_RECORD_VERSION >> 8, TLS_LEGACY_RECORD_VERSION & 0xff, length >> 8, length & 0xff]);
  const cipher = createCipheriv(s.cipher as CipherGCMTypes, key, nonce, { authTagLength: s.tagLength });
  // CCM needs the plaintext length before the additional data.
  cipher.setAAD(header, { plaintextLength: inner.length });
  const sealed = Buffer.concat([cipher.update(inner), cipher.final(), cipher.getAuthTag()]);
  return Buffer.concat([header, sealed]);
}
