// The OTA signing key pair of the signed AVR update (docs/ota.md): ECDSA P-256, SHA-256.
// The operator keeps the private key; a node built with the update holds the public key.
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { writePublic, writeSecret, type WriteOptions } from './files.ts';

export const OTA_SIGNING_KEY_FILE = 'ota-signing.key';
export const OTA_PUBLIC_KEY_FILE = 'ota-signing.pub';

/** A fresh pair as PEM: PKCS#8 private key, SPKI public key. */
export function newOtaKeyPair(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string };
}

/** Writes `<name>.key` (PKCS#8, mode 0600) and, with `publicFile`, the SPKI public key; returns the paths. */
export function writeOtaKeyPair(dir: string, keyFile: string, publicFile: string | null, o: WriteOptions): string[] {
  const { privatePem, publicPem } = newOtaKeyPair();
  const files = [join(dir, keyFile)];
  writeSecret(files[0]!, privatePem, o);
  if (publicFile) {
    files.push(join(dir, publicFile));
    writePublic(files[1]!, publicPem, o);
  }
  return files;
}
