// --pki DIR, shared by run, serve, step and replay: the folder is read and
// cross-checked once, before anything starts.
import { loadPkiFolder, type PkiFolder } from '@esphil/broker';
import { UsageError } from './errors.ts';

export const PKI_FLAG = {
  kind: 'string',
  arg: 'DIR',
  meaning: 'credentials and mosquitto.conf from a folder written by esphil certs, for the node, the broker and the operator',
} as const;

/** The checked folder, or a one-line UsageError naming the file at fault (exit 2). */
export function readPkiFlag(command: string, dir: string | undefined): PkiFolder | undefined {
  if (dir === undefined) return undefined;
  try {
    return loadPkiFolder(dir);
  } catch (e) {
    throw new UsageError(`esphil ${command}: --pki ${dir}: ${(e as Error).message}`);
  }
}
