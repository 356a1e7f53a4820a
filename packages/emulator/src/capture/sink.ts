// Where the recorders put their bytes. Synchronous so a recording is complete
// on disk the moment the world stops, even if the process then exits.
import { closeSync, openSync, writeSync } from 'node:fs';

export interface ByteSink {
  write(chunk: Buffer): void;
  close(): void;
}

export function fileSink(path: string): ByteSink {
  const fd = openSync(path, 'w');
  let open = true;
  return {
    write(chunk) {
      if (!open) throw new Error(`${path}: write after close`);
      let done = 0;
      while (done < chunk.length) done += writeSync(fd, chunk, done);
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

export interface MemorySink extends ByteSink {
  bytes(): Buffer;
}

export function memorySink(): MemorySink {
  const chunks: Buffer[] = [];
  return {
    write(chunk) {
      chunks.push(Buffer.from(chunk));
    },
    close() {},
    bytes: () => Buffer.concat(chunks),
  };
}
