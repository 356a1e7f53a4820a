// The waiting half of wait-serial and wait-mqtt: scan a growing event list from a
// cursor while the world runs, so each event is tested once however long the wait.
import type { ScenarioContext } from '../context.ts';
import { formatDuration } from '../duration.ts';
import { BOOL, DURATION, oneOf, type ParamDecl } from '../param-spec.ts';
import type { Params } from '../params.ts';

export const DEFAULT_TIMEOUT_NS = 30_000_000_000n;
/** Every wait step's `timeout` (DEFAULT_TIMEOUT_NS when absent). */
export const TIMEOUT_PARAM: ParamDecl = { type: DURATION, doc: 'How long to wait in virtual time.', default: '30s' };

export interface WatchOptions {
  timeoutNs: bigint;
  /** 'step': only events after the step starts; 'boot': every event the world recorded since it was built. */
  since: 'step' | 'boot';
  /** Pass when nothing matches for the whole timeout; fail at the first match. */
  absent: boolean;
}

const SINCE = ['step', 'boot'] as const;

/** The parameters readWatch reads, for the specs of the wait steps. */
export const WATCH_PARAMS: Record<string, ParamDecl> = {
  timeout: TIMEOUT_PARAM,
  since: { type: oneOf(SINCE), doc: 'step: only events after the step starts; boot: everything since the world was built.', default: 'step' },
  absent: { type: BOOL, doc: 'Pass when nothing matches for the whole timeout; fail at the first match.', default: false },
};

export function readWatch(p: Params): WatchOptions {
  return {
    timeoutNs: p.duration('timeout', DEFAULT_TIMEOUT_NS),
    since: p.oneOf('since', SINCE, 'step'),
    absent: p.bool('absent', false),
  };
}

/** ` within 30s`, ` since scenario start`, `no … for 30s` helpers for describe(). */
export function describeWatch(what: string, o: WatchOptions): string {
  const since = o.since === 'boot' ? ' since boot' : '';
  return o.absent ? `no ${what} for ${formatDuration(o.timeoutNs)}${since}` : `${what} within ${formatDuration(o.timeoutNs)}${since}`;
}

export interface Watched<T> {
  hit: T | undefined;
  /** The events the step looked at (its window), for failure messages. */
  window: readonly T[];
}

/** Runs the world until an event in the window passes `test` or the timeout ends. */
export async function watch<T>(
  ctx: ScenarioContext,
  o: WatchOptions,
  list: () => readonly T[],
  test: (x: T) => boolean,
): Promise<Watched<T>> {
  const from = o.since === 'step' ? list().length : 0;
  let cursor = from;
  let hit: T | undefined;
  const pred = (): boolean => {
    const all = list();
    for (; cursor < all.length; cursor++) {
      if (test(all[cursor]!)) {
        hit = all[cursor];
        return true;
      }
    }
    return false;
  };
  if (!pred()) await ctx.runUntil(pred, o.timeoutNs);
  return { hit, window: list().slice(from) };
}
