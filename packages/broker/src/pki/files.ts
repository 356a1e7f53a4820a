import { chmodSync, linkSync, lstatSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

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

/** One file of a set written by writeFilesAtomically. */
export interface SetFile {
  name: string;
  text: string;
  mode: number;
}

const ERRNO_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  ENOTDIR: 'a path component is not a directory',
  EEXIST: 'already exists',
  ENOENT: 'no such file or directory',
};

function words(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code ? `${ERRNO_WORDS[code] ?? code} (${code})` : String(e);
}

function exists(path: string): boolean {
  try {
    lstatSync(path); // a dangling symbolic link counts: writing through it would land elsewhere
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes every file of a set into `dir`, or none: they are written into a
 * private staging folder first, then a missing `dir` is renamed into place,
 * and an existing one gets each file by link(2), which never replaces a file
 * (a race with another writer undoes the links already made).
 */
export function writeFilesAtomically(dir: string, files: SetFile[], refuse: (taken: string[]) => string): string[] {
  const out = resolve(dir);
  const taken = files.map((f) => f.name).filter((n) => exists(join(out, n)));
  if (taken.length > 0) throw new Error(refuse(taken));
  const dirExists = exists(out);
  if (dirExists && !statSync(out).isDirectory()) throw new Error(`${out}: exists and is not a directory`);
  const parent = dirExists ? out : dirname(out);
  let stage: string;
  try {
    mkdirSync(parent, { recursive: true });
    stage = mkdtempSync(join(parent, dirExists ? '.staging-' : `.${basename(out)}.staging-`));
  } catch (e) {
    throw new Error(`${out}: cannot write: ${words(e)}`);
  }
  try {
    for (const f of files) {
      const p = join(stage, f.name);
      writeFileSync(p, f.text, { mode: f.mode, flag: 'wx' });
      chmodSync(p, f.mode); // the umask may have cut the mode
    }
    if (!dirExists) {
      chmodSync(stage, 0o755);
      renameSync(stage, out);
      return files.map((f) => join(out, f.name));
    }
    const linked: string[] = [];
    try {
      for (const f of files) {
        linkSync(join(stage, f.name), join(out, f.name));
        linked.push(join(out, f.name));
      }
    } catch (e) {
      for (const l of linked) rmSync(l, { force: true });
      throw e;
    }
    return linked;
  } catch (e) {
    throw new Error(`${out}: cannot write the set, nothing written: ${words(e)}`);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
