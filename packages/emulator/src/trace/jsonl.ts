// Trace as JSON lines (docs/trace.md): one event per line, bigint values as
// decimal strings (ten years of ns exceed 2^53), bytes as lower-case hex.
import { readFileSync } from 'node:fs';
import type { TraceEvent, TraceSink } from './events.ts';
import type { TextOut } from './out.ts';
import { SchemaError, decodeTraceRecord } from './schema.ts';

/** A bad line in a trace file, with where it is. */
export class TraceFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
  }
}

/** JSON.stringify replacer of the trace encoding: bigint as decimal string, bytes as hex. */
export function jsonValue(this: unknown, key: string, value: unknown): unknown {
  // `value` has already been through Buffer#toJSON; the holder still has the bytes.
  const raw = (this as Record<string, unknown>)[key];
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('hex');
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** One event as one JSON line (without the newline). */
export function encodeTraceEvent(e: TraceEvent): string {
  return JSON.stringify(e, jsonValue);
}

/** Streams events as JSON lines to `out`, in the order written. */
export class JsonlTraceWriter implements TraceSink {
  constructor(private readonly out: TextOut) {}

  write(e: TraceEvent): void {
    this.out.write(`${encodeTraceEvent(e)}\n`);
  }

  close(): void {
    this.out.close();
  }
}

/** Parses one line; `file` and `line` only name the place in errors. */
export function parseTraceLine(text: string, file: string, line: number): TraceEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new TraceFormatError(file, line, `not JSON (${(err as Error).message})`);
  }
  try {
    return decodeTraceRecord(parsed);
  } catch (err) {
    if (err instanceof SchemaError) throw new TraceFormatError(file, line, err.message);
    throw err;
  }
}

/** Parses a whole JSONL trace; blank lines are allowed, anything else must be an event. */
export function parseTrace(text: string, file = '<trace>'): TraceEvent[] {
  const events: TraceEvent[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    events.push(parseTraceLine(line, file, i + 1));
  });
  return events;
}

export function readTraceFile(path: string): TraceEvent[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read trace (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseTrace(text, path);
}
