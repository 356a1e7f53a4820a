// Virtual times as people type and read them, exact to the ns (bigint).
import { formatDuration, parseDuration } from '../scenario/duration.ts';

const S = 1_000_000_000n;
const MIN = 60n * S;
const H = 60n * MIN;
const D = 24n * H;

/**
 * Parses a clock time `hh:mm:ss.sss` (also `hh:mm`, `Nd hh:mm:ss`) or a
 * duration in scenario syntax (`12ms`, `1.5s`, `1h 30min`) or bare ns. A leading `+`
 * or `-` is relative to `now`.
 */
export function parseTime(text: string, now = 0n): bigint {
  const what = `time "${text}"`;
  let s = text.trim();
  let sign = 0n;
  if (s.startsWith('+') || s.startsWith('-')) {
    sign = s.startsWith('+') ? 1n : -1n;
    s = s.slice(1).trim();
  }
  const clock = /^(?:(\d+)d\s*)?(\d+):(\d+)(?::(\d+)(?:\.(\d{1,9}))?)?$/.exec(s);
  let ns: bigint;
  if (clock) {
    const [, d = '0', h, m, sec = '0', frac = ''] = clock;
    if (Number(m) > 59 || Number(sec) > 59) throw new Error(`${what}: minutes and seconds must be 0..59`);
    ns = BigInt(d) * D + BigInt(h!) * H + BigInt(m!) * MIN + BigInt(sec) * S + BigInt(frac.padEnd(9, '0'));
  } else if (/^\d+$/.test(s)) {
    ns = BigInt(s); // bare ns, as in VCD timestamps
  } else {
    try {
      ns = parseDuration(s);
    } catch (err) {
      throw new Error(`${(err as Error).message}; or a clock time like 16:00:05.250`);
    }
  }
  if (sign === 0n) return ns;
  const t = now + sign * ns;
  if (t < 0n) throw new Error(`${what}: before the start of the run`);
  return t;
}

const pad = (n: bigint, width: number): string => n.toString().padStart(width, '0');

/** `16:00:05.300000000`, with `Nd ` in front past the first day. */
export function formatTime(t: bigint): string {
  const days = t / D;
  const inDay = t % D;
  const h = inDay / H;
  const m = (inDay / MIN) % 60n;
  const sec = (inDay / S) % 60n;
  const frac = inDay % S;
  return `${days > 0n ? `${days}d ` : ''}${pad(h, 2)}:${pad(m, 2)}:${pad(sec, 2)}.${pad(frac, 9)}`;
}

/** A span in scenario syntax, signed when asked: `+2ms`, `-8us 250ns`. */
export function formatSpan(ns: bigint, signed = false): string {
  return `${signed && ns >= 0n ? '+' : ''}${formatDuration(ns)}`;
}
