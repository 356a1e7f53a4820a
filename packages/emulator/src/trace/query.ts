// Lookups over a time-ordered event list (binary search on `t`), shared by the
// recorder and the stepper.
import type { TraceEvent } from './events.ts';

type Timed = { t: bigint };

/** Index of the first event with t >= `t` (events.length if none). */
export function lowerBound(events: readonly Timed[], t: bigint): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first event with t > `t` (events.length if none). */
export function upperBound(events: readonly Timed[], t: bigint): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid]!.t <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Where `e` itself sits in the list (-1 if absent); events at the same t are scanned. */
export function indexOfEvent<T extends Timed>(events: readonly T[], e: T): number {
  for (let i = lowerBound(events, e.t); i < events.length && events[i]!.t === e.t; i++) {
    if (events[i] === e) return i;
  }
  return -1;
}

/** Inserts after every event with the same or an earlier t, so ties keep arrival order. */
export function insertByTime<T extends Timed>(events: T[], e: T): number {
  const last = events[events.length - 1];
  if (!last || last.t <= e.t) return events.push(e) - 1;
  const i = upperBound(events, e.t);
  events.splice(i, 0, e);
  return i;
}

/** Events with from <= t <= to. */
export function eventsBetween(events: readonly TraceEvent[], from: bigint, to: bigint): TraceEvent[] {
  return events.slice(lowerBound(events, from), upperBound(events, to));
}

export function findBackward(events: readonly TraceEvent[], from: number, pred: (e: TraceEvent) => boolean): number {
  for (let i = Math.min(from, events.length - 1); i >= 0; i--) if (pred(events[i]!)) return i;
  return -1;
}
