// --pki DIR, shared by run, serve, step and replay (the whole set) and ota-avr
// (the operator's part): the folder is read and cross-checked once, before
// anything starts.
import { loadOperatorPki, loadPkiFolder, type OperatorPki, type PkiFolder } from '@esphil/broker';
import { UsageError } from './errors.ts';

export const PKI_FLAG = {
  kind: 'string',
  arg: 'DIR',
  meaning: 'credentials and mosquitto.conf from a folder written by esphil certs, for the node, the broker and the operator',
} as const;

/** `load(dir)`, or a one-line UsageError naming the file at fault (exit 2). */
function checked<T>(command: string, dir: string, load: (dir: string) => T): T {
  try {
    return load(dir);
  } catch (e) {
    throw new UsageError(`esphil ${command}: --pki ${dir}: ${(e as Error).message}`);
  }
}

/** The checked folder, or a one-line UsageError naming the file at fault (exit 2). */
export function readPkiFlag(command: string, dir: string | undefined): PkiFolder | undefined {
  return dir === undefined ? undefined : checked(command, dir, loadPkiFolder);
}

/** The operator's files of the folder (ca.crt, operator.crt/.key, ota-signing.key), checked the same way. */
export function readOperatorPkiFlag(command: string, dir: string): OperatorPki {
  return checked(command, dir, loadOperatorPki);
}
