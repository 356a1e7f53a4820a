// Lets real I/O (Node TLS over in-memory pairs) run until no bytes move.
import { setImmediate as tick } from 'node:timers/promises';

let ioCounter = 0;

/** Call whenever something moved (bytes written, activity signalled). */
export function noteIo(): void {
  ioCounter++;
}

/** Spin the event loop until `quietTurns` consecutive turns saw no I/O. */
export async function settle(quietTurns = 8): Promise<void> {
  let quiet = 0;
  let last = ioCounter;
  while (quiet < quietTurns) {
    await tick();
    if (ioCounter === last) quiet++;
    else {
      quiet = 0;
      last = ioCounter;
    }
  }
}

/** Count every write on a stream as I/O. */
export function tapWrites<T extends { write: (...a: never[]) => boolean }>(s: T): T {
  const orig = s.write.bind(s) as (...a: unknown[]) => boolean;
  (s as unknown as { write: (...a: unknown[]) => boolean }).write = (...a: unknown[]) => {
    noteIo();
    return orig(...a);
  };
  return s;
}
