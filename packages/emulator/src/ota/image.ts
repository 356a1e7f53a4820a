// The operator's side of the AVR update: an image file (.hex or .elf) to the signed manifest
// and the chunks of docs/ota.md.
import { createHash, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseElf, parseIntelHex } from '@esphil/avr-slave';
import {
  ATMEGA168_SIGNATURE,
  CHUNK_HEADER_BYTES,
  OTA_CHUNK_BYTES,
  OTA_FORMAT_VERSION,
  encodeManifest,
} from '@esphil/esp-model';
import { UsageError } from '../cli/errors.ts';
import { signP256Sha256Der } from './deterministic-ecdsa.ts';

/** Images are read into a buffer this large so that one too big for the ATmega168 can still be sent (and refused). */
const READ_LIMIT_BYTES = 64 * 1024;

export interface SignedImage {
  image: Uint8Array;
  begin: Buffer;
  chunks: Buffer[];
  sha256: string;
}

/** The programmed bytes of a .hex or .elf, up to the last byte that is not 0xFF (rounded to a flash word). */
export function readAvrImage(path: string): Uint8Array {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read AVR image ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const flash = /\.elf$/i.test(path) || bytes.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))
    ? parseElf(bytes, path, { flashBytes: READ_LIMIT_BYTES }).flash
    : parseIntelHex(bytes.toString('utf8'), path, { flashBytes: READ_LIMIT_BYTES });
  let end = flash.length;
  while (end > 0 && flash[end - 1] === 0xff) end--;
  if (end === 0) throw new UsageError(`${path}: the image programs no byte`);
  return flash.slice(0, end + (end % 2));
}

export interface SignOptions {
  /** Device signature the manifest names (default the ATmega168's 1E 94 06). */
  device?: readonly [number, number, number];
  /** Flip one image byte after signing: the node must refuse it on the hash. */
  tamper?: boolean;
}

/** The `begin` payload (manifest + deterministic ECDSA P-256 / SHA-256 signature) and the chunks. */
export function signAvrImage(image: Uint8Array, signingKeyPem: string, opts: SignOptions = {}): SignedImage {
  const sha = createHash('sha256').update(image).digest();
  const manifest = encodeManifest({ version: OTA_FORMAT_VERSION, device: [...(opts.device ?? ATMEGA168_SIGNATURE)] as [number, number, number], length: image.length, sha256: sha });
  let key;
  try {
    key = createPrivateKey(signingKeyPem);
  } catch (e) {
    throw new UsageError(`OTA signing key: ${(e as Error).message}`);
  }
  const signature = signP256Sha256Der(manifest, key);
  const sent = Uint8Array.from(image);
  if (opts.tamper) sent[sent.length >> 1]! ^= 0x01;
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < sent.length; offset += OTA_CHUNK_BYTES) {
    const data = sent.subarray(offset, offset + OTA_CHUNK_BYTES);
    const c = Buffer.alloc(CHUNK_HEADER_BYTES + data.length);
    c.writeUInt32BE(offset, 0);
    c.set(data, CHUNK_HEADER_BYTES);
    chunks.push(c);
  }
  return { image, begin: Buffer.concat([manifest, signature]), chunks, sha256: sha.toString('hex') };
}
