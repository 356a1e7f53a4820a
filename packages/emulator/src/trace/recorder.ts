// The world's trace sink. Events do not always arrive in time order: an SPI
// window is only complete when SS rises, so its SpiEvent (t = SS falling)
// arrives after the relay and pin events that happened inside the window.
// The recorder keeps `events` sorted by t at all times (ties in arrival
// order) and hands events to its writers in time order once they are older
// than the reorder window, so streaming writers (VCD) never have to go back.
import type { TraceEvent, TraceEventOf, TraceKind, TraceSink } from './events.ts';
import { eventsBetween, insertByTime, lowerBound } from './query.ts';

export interface TraceRecorderOptions {
  sinks?: TraceSink[];
  /** How far behind the latest recorded moment an event may still arrive (default 1 s of virtual time). */
  reorderWindowNs?: bigint;
  /** Keep every event for queries (events, byKind, between): the stepper's timeline. Default true; false only streams to the writers. */
  retain?: boolean;
}

export const DEFAULT_REORDER_WINDOW_NS = 1_000_000_000n;

/** The moment an event is complete: an SPI window when SS rises, anything else at its t. */
const completedAt = (e: TraceEvent): bigint => (e.kind === 'spi' ? e.end : e.t);

export class TraceRecorder implements TraceSink {
  /** Every event recorded so far, sorted by t (when retained). */
  readonly events: TraceEvent[] = [];
  /** Events that arrived after writers had already been given later ones (written anyway, out of order). */
  readonly late: TraceEvent[] = [];
  private readonly sinks: TraceSink[];
  private readonly window: bigint;
  private readonly byKindIndex = new Map<TraceKind, TraceEvent[]>();
  private pending: TraceEvent[] = [];
  private latest = 0n;
  private releasedUpTo = -1n;
  private closed = false;
  private readonly retain: boolean;

  constructor(options: TraceRecorderOptions = {}) {
    this.sinks = [...(options.sinks ?? [])];
    this.window = options.reorderWindowNs ?? DEFAULT_REORDER_WINDOW_NS;
    this.retain = options.retain ?? true;
    if (this.window < 0n) throw new Error(`TraceRecorder: reorderWindowNs must be >= 0 (got ${this.window})`);
  }

  addSink(sink: TraceSink): void {
    if (this.releasedUpTo >= 0n) throw new Error('TraceRecorder: add writers before the first event is released');
    this.sinks.push(sink);
  }

  record(e: TraceEvent): void {
    if (this.closed) throw new Error(`TraceRecorder: ${e.kind} event at t=${e.t} recorded after close`);
    if (this.retain) {
      insertByTime(this.events, e);
      let list = this.byKindIndex.get(e.kind);
      if (!list) this.byKindIndex.set(e.kind, (list = []));
      insertByTime(list, e);
    }
    if (e.t < this.releasedUpTo) {
      if (this.retain) this.late.push(e);
      for (const s of this.sinks) s.write(e);
      return;
    }
    insertByTime(this.pending, e);
    const done = completedAt(e);
    if (done > this.latest) this.latest = done;
    this.settle(this.latest - this.window);
  }

  /** TraceSink: same as record. */
  write(e: TraceEvent): void {
    this.record(e);
  }

  /** The world promises nothing earlier than `t` will be recorded: hands every event before `t` to the writers. */
  settle(t: bigint): void {
    if (!this.pending.length || this.pending[0]!.t >= t) return;
    const n = lowerBound(this.pending, t);
    const out = this.pending.slice(0, n);
    this.pending = this.pending.slice(n);
    for (const e of out) for (const s of this.sinks) s.write(e);
    const lastOut = out[out.length - 1]!.t;
    if (lastOut > this.releasedUpTo) this.releasedUpTo = lastOut;
  }

  /** Hands every held event to the writers. */
  flush(): void {
    if (this.pending.length) this.settle(this.pending[this.pending.length - 1]!.t + 1n);
  }

  /** Flushes and closes every writer; events stay queryable. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    for (const s of this.sinks) s.close();
  }

  byKind<K extends TraceKind>(kind: K): readonly TraceEventOf<K>[] {
    return (this.byKindIndex.get(kind) ?? []) as TraceEventOf<K>[];
  }

  /** Index in `events` of the first event at or after `t`. */
  indexAt(t: bigint): number {
    return lowerBound(this.events, t);
  }

  between(from: bigint, to: bigint): TraceEvent[] {
    return eventsBetween(this.events, from, to);
  }
}
