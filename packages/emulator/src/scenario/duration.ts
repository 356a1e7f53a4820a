// Durations in scenario files: a number with a unit, or several largest-first
// ("1h 30min", "2min30s"), summed exactly in nanoseconds (bigint: ten years of
// nanoseconds exceed 2^53). Decimals are allowed when the result is a whole ns.

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

/** Virtual time as `h:mm:ss.mmm` (hours grow past 24; truncated to the millisecond). */
export function formatVirtual(ns: bigint): string {
  const neg = ns < 0n;
  const ms = (neg ? -ns : ns) / 1_000_000n;
  const h = ms / 3_600_000n;
  const m = (ms / 60_000n) % 60n;
  const s = (ms / 1000n) % 60n;
  const frac = ms % 1000n;
  return `${neg ? '-' : ''}${h}:${pad(m, 2)}:${pad(s, 2)}.${pad(frac, 3)}`;
}

function pad(v: bigint, n: number): string {
  return v.toString().padStart(n, '0');
}
