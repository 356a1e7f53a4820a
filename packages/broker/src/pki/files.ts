import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WriteOptions {
  /** Replace existing files (fixture regeneration); otherwise an existing file is an error. */
  overwrite: boolean;
}

export function writeCredential(dir: string, name: string, certPem: string, keyPem: string, o: WriteOptions): string[] {
  mkdirSync(dir, { recursive: true });
  const crt = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  writePublic(crt, certPem, o);
  writeSecret(key, keyPem, o);
  return [crt, key];
}

export function writePublic(path: string, text: string, o: WriteOptions): void {
  write(path, text, 0o644, o);
}

/** Private keys: owner read/write only, like `openssl genrsa` under umask 077. */
export function writeSecret(path: string, text: string, o: WriteOptions): void {
  write(path, text, 0o600, o);
}

function write(path: string, text: string, mode: number, o: WriteOptions): void {
  try {
    writeFileSync(path, text, { mode, flag: o.overwrite ? 'w' : 'wx' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new Error(`${path}: already exists; refusing to overwrite (keys are never reused)`);
    throw new Error(`${path}: cannot write: ${code ?? String(e)}`);
  }
  chmodSync(path, mode); // writeFileSync's mode only applies to newly created files
}
