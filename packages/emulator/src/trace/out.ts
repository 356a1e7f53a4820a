// Text destinations for the trace writers. A run can last years of virtual
// time, so writers stream: a file output keeps at most one chunk in memory and
// writes it synchronously, so a crash loses at most that chunk.
import { closeSync, openSync, writeSync } from 'node:fs';

export interface TextOut {
  write(text: string): void;
  close(): void;
}

const CHUNK = 64 * 1024;

/** Creates (truncates) `path` and appends to it in 64 KiB chunks. */
export function fileOut(path: string): TextOut {
  const fd = openSync(path, 'w');
  let pending = '';
  let open = true;
  const flush = (): void => {
    if (pending) writeSync(fd, pending);
    pending = '';
  };
  return {
    write(text) {
      if (!open) throw new Error(`${path}: write after close`);
      pending += text;
      if (pending.length >= CHUNK) flush();
    },
    close() {
      if (!open) return;
      open = false;
      flush();
      closeSync(fd);
    },
  };
}

/** Collects everything in memory (tests, or writing to a stream at the end). */
export function memoryOut(): TextOut & { text(): string } {
  const parts: string[] = [];
  return {
    write: (text) => void parts.push(text),
    close: () => undefined,
    text: () => parts.join(''),
  };
}
