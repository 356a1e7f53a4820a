import { createPrivateKey, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../cli/errors.ts';
import { signP256Sha256Der } from './deterministic-ecdsa.ts';

// RFC 6979 appendix A.2.5: the P-256 key and its public point.
const RFC6979_KEY = createPrivateKey({
  format: 'jwk',
  key: {
    kty: 'EC',
    crv: 'P-256',
    d: Buffer.from('C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721', 'hex').toString('base64url'),
    x: Buffer.from('60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6', 'hex').toString('base64url'),
    y: Buffer.from('7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299', 'hex').toString('base64url'),
  },
});

/** ASN.1 DER `SEQUENCE { INTEGER r, INTEGER s }` of two 32-byte big-endian values. */
function der(rHex: string, sHex: string): string {
  const int = (hex: string): string => {
    let v = hex.toLowerCase().replace(/^(00)+/, '');
    if (parseInt(v.slice(0, 2), 16) >= 0x80) v = `00${v}`;
    return `02${(v.length / 2).toString(16).padStart(2, '0')}${v}`;
  };
  const body = int(rHex) + int(sHex);
  return `30${(body.length / 2).toString(16).padStart(2, '0')}${body}`;
}

const OTA_KEY_PEM = readFileSync(join(import.meta.dirname, '..', '..', '..', '..', 'fixtures', 'pki', 'ota-signing.key'), 'utf8');

describe('signP256Sha256Der (RFC 6979 deterministic ECDSA)', () => {
  it('gives RFC 6979 A.2.5 P-256 / SHA-256 signatures for "sample" and "test" (S left high, as the RFC computes it)', () => {
    expect(signP256Sha256Der(Buffer.from('sample'), RFC6979_KEY).toString('hex')).toBe(der(
      'EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716',
      'F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8',
    ));
    expect(signP256Sha256Der(Buffer.from('test'), RFC6979_KEY).toString('hex')).toBe(der(
      'F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367',
      '019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083',
    ));
  });

  it('signs the same manifest twice to the same bytes, which crypto.verify (the node\'s check) accepts', () => {
    const key = createPrivateKey(OTA_KEY_PEM);
    const manifest = Buffer.from('01 1e 94 06 00 00 04 00'.replace(/ /g, '') + 'ab'.repeat(32), 'hex');
    const first = signP256Sha256Der(manifest, key);
    const second = signP256Sha256Der(manifest, key);
    expect(second.equals(first)).toBe(true);
    expect(verify('sha256', manifest, createPublicKey(key), first)).toBe(true);
    expect(verify('sha256', Buffer.concat([manifest, Buffer.from([0])]), createPublicKey(key), first)).toBe(false);
    // A high-S signature (the "sample" vector) passes the same verify: both S forms reach the node.
    expect(verify('sha256', Buffer.from('sample'), createPublicKey(RFC6979_KEY), signP256Sha256Der(Buffer.from('sample'), RFC6979_KEY))).toBe(true);
  });

  it('refuses a key that is not a P-256 private key, saying what it got', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    expect(() => signP256Sha256Der(Buffer.from('x'), rsa)).toThrow(UsageError);
    expect(() => signP256Sha256Der(Buffer.from('x'), rsa)).toThrow(/P-256 private key is needed, got private rsa/);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    expect(() => signP256Sha256Der(Buffer.from('x'), p384)).toThrow(/got private ec P-384/);
  });
});
