// The OTA signing key pair of the signed AVR update (docs/ota.md): ECDSA P-256, SHA-256.
// The operator keeps the private key; a node built with the update holds the public key.
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { writePublic, writeSecret, type WriteOptions } from './files.ts';

export const OTA_SIGNING_KEY_FILE = 'ota-signing.key';
export const OTA_PUBLIC_KEY_FILE = 'ota-signing.pub';

/** Writes `<name>.key` (PKCS#8, mode 0600) and, with `publicFile`, the SPKI public key; returns the paths. */
export function writeOtaKeyPair(dir: string, keyFile: string, publicFile: string | null, o: WriteOptions): string[] {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const files = [join(dir, keyFile)];
  writeSecret(files[0]!, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, o);
  if (publicFile) {
    files.push(join(dir, publicFile));
    writePublic(files[1]!, publicKey.export({ type: 'spki', format: 'pem' }) as string, o);
  }
  return files;
}
