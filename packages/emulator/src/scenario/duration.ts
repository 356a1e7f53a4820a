// esphil's one convention for time (docs/architecture.md "Time"):
// - a duration is always a number with a unit, or several largest-first
//   ("250ms", "1h 30min", "2min30s"), summed exactly in nanoseconds (bigint: ten
//   years of nanoseconds exceed 2^53); decimals are allowed when the result is a
//   whole ns. Scenario files, CLI flags and stepper commands all read it so.
// - an instant in virtual time is the time elapsed since power-on, written
//   T+h:mm:ss.fff (T+ marks it; hours grow past 24), never a bare clock time;
// - an instant of the world's calendar is UTC, written ISO 8601 with its Z;
// - in JSON every time is a decimal string of nanoseconds ("t":"3600000000000").

const UNIT_NS: Record<string, bigint> = {
  d: 86_400_000_000_000n,
  h: 3_600_000_000_000n,
  min: 60_000_000_000n,
  s: 1_000_000_000n,
  ms: 1_000_000n,
  us: 1_000n,
  ns: 1n,
};
const UNITS_LARGEST_FIRST = ['d', 'h', 'min', 's', 'ms', 'us', 'ns'];
export const DURATION_UNITS = UNITS_LARGEST_FIRST.join(' ');

const PART = /(\d+(?:\.\d+)?)\s*(ns|us|ms|min|s|h|d)(?![a-z])\s*/y;

/** Nanoseconds of `text`, or throws an Error whose message says what is wrong with it. */
export function parseDuration(text: string): bigint {
  const src = text.trim();
  if (src === '') throw new Error(`empty duration (want a number and a unit: ${DURATION_UNITS})`);
  let total = 0n;
  let lastRank = -1;
  PART.lastIndex = 0;
  while (PART.lastIndex < src.length) {
    const at = PART.lastIndex;
    const m = PART.exec(src);
    if (!m) {
      const rest = src.slice(at);
      if (/^\d+(?:\.\d+)?$/.test(rest)) throw new Error(`duration "${text}" needs a unit after ${rest} (${DURATION_UNITS})`);
      throw new Error(`bad duration "${text}" at "${rest}" (want e.g. 250ms, 5s, 1h 30min; units ${DURATION_UNITS})`);
    }
    const unit = m[2]!;
    const rank = UNITS_LARGEST_FIRST.indexOf(unit);
    if (rank <= lastRank) throw new Error(`duration "${text}": units must each appear once, largest first (${unit} after a smaller or equal unit)`);
    lastRank = rank;
    total += scaleDecimal(m[1]!, UNIT_NS[unit]!, text);
  }
  return total;
}

/**
 * What parseDuration accepts, as one regular expression (for the scenario JSON
 * Schema): the parts in the unit table's order, each optional, at least one. A
 * decimal must come to whole nanoseconds: a unit of 10^k·m ns (m not a multiple
 * of 10) takes k free fraction digits, and further digits only as a multiple of
 * 10^j / gcd(10^j, m) in their last j places (a minute is 6·10^10 ns: an 11th digit
 * must be 0 or 5).
 */
export const DURATION_PATTERN = `^\\s*(?=\\d)${UNITS_LARGEST_FIRST.map((u) => `(?:\\d+(?:\\.(?=\\d)${fractionPattern(UNIT_NS[u]!)})?\\s*${u}(?![a-z])\\s*)?`).join('')}$`;

function fractionPattern(unitNs: bigint): string {
  let k = 0;
  let m = unitNs;
  while (m % 10n === 0n) [m, k] = [m / 10n, k + 1];
  // gcd(10^j, m) grows with j until it holds all of m's 2s and 5s; from then on each extra digit must be 0.
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
  const tails: string[] = [];
  for (let j = 1; ; j++) {
    const step = 10n ** BigInt(j) / gcd(10n ** BigInt(j), m);
    const stable = gcd(10n ** BigInt(j), m) === gcd(10n ** BigInt(j + 1), m);
    const valid: string[] = [];
    for (let t = 0n; t < 10n ** BigInt(j); t += step) valid.push(t.toString().padStart(j, '0'));
    tails.push(stable ? `(?:${valid.join('|')})0*` : valid.join('|'));
    if (stable) break;
  }
  return `(?:\\d{0,${k}}|\\d{${k}}(?:${tails.join('|')}))`;
}

function scaleDecimal(num: string, unitNs: bigint, text: string): bigint {
  const [whole, frac = ''] = num.split('.');
  const scale = 10n ** BigInt(frac.length);
  const scaled = BigInt(whole! + frac) * unitNs;
  if (scaled % scale !== 0n) throw new Error(`duration "${text}" is not a whole number of nanoseconds`);
  return scaled / scale;
}

/** Shortest exact spelling in scenario syntax: 120s → "2min", 5_400s → "1h 30min", 0 → "0s". */
export function formatDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  let rest = ns < 0n ? -ns : ns;
  const parts: string[] = [];
  for (const unit of UNITS_LARGEST_FIRST) {
    const u = UNIT_NS[unit]!;
    if (rest >= u) {
      parts.push(`${rest / u}${unit}`);
      rest %= u;
    }
  }
  return sign + parts.join(' ');
}

export const ELAPSED_MARK = 'T+';

/** Virtual time since power-on as `T+h:mm:ss.fff` with `digits` fraction digits (3: ms, 9: ns; truncated). */
export function formatVirtual(ns: bigint, digits: 3 | 9 = 3): string {
  const neg = ns < 0n;
  const abs = neg ? -ns : ns;
  const s = abs / 1_000_000_000n;
  const frac = (abs % 1_000_000_000n) / 10n ** BigInt(9 - digits);
  return `${neg ? 'T-' : ELAPSED_MARK}${s / 3600n}:${pad((s / 60n) % 60n, 2)}:${pad(s % 60n, 2)}.${pad(frac, digits)}`;
}

/**
 * An instant since power-on as users type it: `T+16:00:05.250`, `T+16:00`,
 * `T+2min` (a duration after T+). A clock time without T+ is refused: it
 * would read as a UTC time of day.
 */
export function parseVirtual(text: string): bigint {
  const src = text.trim();
  if (!src.startsWith(ELAPSED_MARK)) {
    if (/^\d+:\d/.test(src)) throw new Error(`"${text}" is a clock time; virtual times since power-on are written T+${src} (UTC times as 2026-06-01T06:00:00Z)`);
    throw new Error(`"${text}" is not a virtual time (want T+h:mm:ss.fff or T+ and a duration, e.g. T+16:00:05.250, T+2min)`);
  }
  const body = src.slice(ELAPSED_MARK.length).trim();
  const clock = /^(\d+):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/.exec(body);
  if (!clock) return parseDuration(body);
  const [, h, m, sec = '0', frac = ''] = clock;
  if (Number(m) > 59 || Number(sec) > 59) throw new Error(`"${text}": minutes and seconds must be 0..59`);
  return ((BigInt(h!) * 60n + BigInt(m!)) * 60n + BigInt(sec)) * 1_000_000_000n + BigInt(frac.padEnd(9, '0'));
}

/** A UTC instant (ms since the epoch) as ISO 8601 with its Z. */
export function formatUtc(ms: number): string {
  return new Date(ms).toISOString();
}

function pad(v: bigint, n: number): string {
  return v.toString().padStart(n, '0');
}
