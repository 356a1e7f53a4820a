// Virtual times as people type and read them in the stepper, exact to the ns
// (bigint), in the project's one convention (scenario/duration.ts): instants
// since power-on as T+h:mm:ss.fffffffff, spans as durations with a unit.
import { ELAPSED_MARK, formatDuration, formatVirtual, parseDuration, parseVirtual } from '../scenario/duration.ts';

/**
 * Parses an instant since power-on (`T+16:00:05.250`, `T+2min`), or a span
 * relative to `now` after `+` or `-` (`+10ms`, `-1s`).
 */
export function parseTime(text: string, now = 0n): bigint {
  const s = text.trim();
  if (s.startsWith(ELAPSED_MARK)) return parseVirtual(s);
  if (!s.startsWith('+') && !s.startsWith('-')) return parseVirtual(s);
  const sign = s.startsWith('+') ? 1n : -1n;
  const t = now + sign * parseDuration(s.slice(1));
  if (t < 0n) throw new Error(`time "${text}": before power-on`);
  return t;
}

/** `T+16:00:05.300000000`: exact ns since power-on. */
export function formatTime(t: bigint): string {
  return formatVirtual(t, 9);
}

/** A span in scenario syntax, signed when asked: `+2ms`, `-8us 250ns`. */
export function formatSpan(ns: bigint, signed = false): string {
  return `${signed && ns >= 0n ? '+' : ''}${formatDuration(ns)}`;
}
