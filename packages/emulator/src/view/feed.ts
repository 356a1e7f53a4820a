// What the view shows: the events of one run, either all known up front (a
// trace file, a finished scenario) or growing while a world runs (live).
// Events are kept as trace JSON lines (docs/trace.md), encoded once on
// arrival, so a page load costs no re-encoding.
import type { TraceEvent } from '../trace/events.ts';
import { encodeTraceEvent } from '../trace/jsonl.ts';
import type { World } from '../world/world.ts';

export interface ViewFeed {
  /** Names the run in the page title and in position URLs (the file given on the command line). */
  readonly label: string;
  readonly live: boolean;
  /** Every event so far as one JSON line each (without the newline), in arrival order. */
  readonly lines: readonly string[];
  /** The world's virtual time now (live), or the last event's time. */
  now(): bigint;
  /** Calls `fn` with the JSON line of each event that arrives from now on; returns the unsubscribe function. */
  subscribe(fn: (line: string) => void): () => void;
}

const endOf = (e: TraceEvent): bigint => (e.kind === 'spi' ? e.end : e.t);

export function staticFeed(label: string, events: readonly TraceEvent[]): ViewFeed {
  const end = events.reduce((m, e) => (endOf(e) > m ? endOf(e) : m), 0n);
  return { label, live: false, lines: events.map(encodeTraceEvent), now: () => end, subscribe: () => () => undefined };
}

/** Listens to the world's trace events; the world itself is not changed. */
export function liveFeed(label: string, world: World): ViewFeed {
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  world.onTrace((e) => {
    const line = encodeTraceEvent(e);
    lines.push(line);
    for (const fn of listeners) fn(line);
  });
  return {
    label,
    live: true,
    lines,
    now: () => world.nowNs(),
    subscribe(fn) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
  };
}
