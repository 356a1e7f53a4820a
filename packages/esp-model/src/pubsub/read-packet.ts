// PubSubClient 2.8 readByte()/readPacket(): byte-at-a-time reads, each allowed the socket
// timeout; a packet longer than the buffer is read to its end and then dropped.
import type { Cpu } from '../core/cpu.ts';
import type { MqttTransport } from './client.ts';
import { MQTTPUBLISH } from './constants.ts';

export type PubSubEventKind = 'dropped-oversize' | 'malformed' | 'read-timeout';

export interface ReadResult {
  /** Bytes kept in the buffer; 0 = nothing usable (timeout, oversize, bad length). */
  len: number;
  /** Remaining-length bytes after the fixed header byte. */
  llen: number;
  /** Remaining length encoded in more than 4 bytes: the caller kills the connection. */
  badLength?: boolean;
}

/** The instant at which `millis() - startMillis >= ms` (unsigned), i.e. the C++ timeout check passes. */
export function deadlineAfterMillis(cpu: Cpu, startMillis: number, ms: number): bigint {
  const elapsed = (cpu.millis() - startMillis) >>> 0;
  return cpu.nsAfterMillis(Math.max(0, ms - elapsed));
}

type Note = (kind: PubSubEventKind, detail: string) => void;

/**
 * readByte() once nothing is buffered (buffered() takes what is): waits up to the socket
 * timeout for the next byte; null on timeout.
 */
async function readByte(cpu: Cpu, client: MqttTransport, socketTimeoutS: number, note: Note): Promise<number | null> {
  const start = cpu.millis();
  const ok = await cpu.block(() => client.available() > 0, deadlineAfterMillis(cpu, start, socketTimeoutS * 1000));
  if (!ok) {
    note('read-timeout', `no byte from broker within ${socketTimeoutS} s`);
    return null;
  }
  return client.read();
}

/**
 * A byte already received, or undefined when readByte() has to wait for one. Taken
 * without an await: a packet that arrived whole (a PINGRESP, a command) is read in one go,
 * byte for byte as PubSubClient's readByte() reads it, instead of one microtask per byte.
 */
function buffered(client: MqttTransport): number | undefined {
  return client.available() > 0 ? client.read() : undefined;
}

export async function readPacket(cpu: Cpu, client: MqttTransport, buf: Uint8Array, socketTimeoutS: number, note: Note): Promise<ReadResult> {
  const waitByte = (): Promise<number | null> => readByte(cpu, client, socketTimeoutS, note);
  let len = 0;
  const first = buffered(client) ?? (await waitByte());
  if (first === null) return { len: 0, llen: 0 };
  buf[len++] = first;
  const isPublish = (first & 0xf0) === MQTTPUBLISH;
  let multiplier = 1;
  let length = 0;
  let digit: number;
  do {
    if (len === 5) {
      note('malformed', 'remaining length longer than 4 bytes');
      return { len: 0, llen: 0, badLength: true };
    }
    const d = buffered(client) ?? (await waitByte());
    if (d === null) return { len: 0, llen: 0 };
    digit = d;
    buf[len++] = digit;
    length += (digit & 127) * multiplier;
    multiplier *= 128;
  } while ((digit & 128) !== 0);
  const llen = len - 1;
  let start = 0;
  if (isPublish) {
    // The topic length is read into the buffer up front (the C++ uses it for stream skipping).
    for (let k = 0; k < 2; k++) {
      const b = buffered(client) ?? (await waitByte());
      if (b === null) return { len: 0, llen };
      buf[len++] = b;
    }
    start = 2;
  }
  let idx = len;
  for (let i = start; i < length; i++) {
    const b = buffered(client) ?? (await waitByte());
    if (b === null) return { len: 0, llen };
    if (len < buf.length) buf[len++] = b;
    idx++;
  }
  if (idx > buf.length) {
    note('dropped-oversize', `dropped ${idx}-byte packet (type 0x${first.toString(16)}): larger than the ${buf.length}-byte buffer`);
    return { len: 0, llen };
  }
  return { len, llen };
}
