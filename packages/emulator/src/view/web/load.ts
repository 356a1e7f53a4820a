// Getting the run into the page: a recorded run in one request, a live one as
// server-sent events (every event so far, then each new one, and the world's
// virtual time a few times a second).
import type { TraceEvent } from '../../trace/events.ts';
import { SchemaError, decodeTraceRecord } from '../../trace/schema.ts';
import type { Names } from './names.ts';

export interface Info {
  label: string;
  live: boolean;
  names: Names;
}

/** The run's description: in the page as served, else from /api/info. */
export async function fetchInfo(): Promise<Info> {
  const inline = document.getElementById('info')?.textContent;
  if (inline) return JSON.parse(inline) as Info;
  const res = await fetch('/api/info');
  if (!res.ok) throw new Error(`/api/info: HTTP ${res.status}`);
  return (await res.json()) as Info;
}

/** One trace line; a bad one names its line, as the command-line reader does. */
function decodeLine(text: string, where: string): TraceEvent {
  try {
    return decodeTraceRecord(JSON.parse(text));
  } catch (e) {
    if (e instanceof SchemaError || e instanceof SyntaxError) throw new Error(`${where}: ${e.message}`);
    throw e;
  }
}

export async function fetchTrace(label: string): Promise<TraceEvent[]> {
  const res = await fetch('/api/trace');
  if (!res.ok) throw new Error(`/api/trace: HTTP ${res.status}`);
  const lines = (await res.text()).split('\n');
  const events: TraceEvent[] = [];
  lines.forEach((line, i) => {
    if (line.trim()) events.push(decodeLine(line, `${label}:${i + 1}`));
  });
  return events;
}

export interface LiveHandlers {
  /** The stream (re)opened: the server sends every event again from the start. */
  reset(): void;
  event(e: TraceEvent): void;
  now(ns: bigint): void;
  error(message: string): void;
}

export function followLive(h: LiveHandlers): EventSource {
  const source = new EventSource('/api/live');
  let n = 0;
  source.onopen = () => {
    n = 0;
    h.reset();
  };
  source.onmessage = (m) => {
    n++;
    try {
      h.event(decodeLine(m.data as string, `live event ${n}`));
    } catch (e) {
      h.error((e as Error).message);
    }
  };
  source.addEventListener('now', (m) => h.now(BigInt((m as MessageEvent).data as string)));
  source.onerror = () => h.error('live stream interrupted; reconnecting');
  return source;
}
