// Virtual times as people type and read them, exact to the ns (bigint).

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  min: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
};

const S = UNIT_NS.s!;

/** "4.5" * unit, exact; fractions below 1 ns are an error rather than silently rounded. */
function scaled(num: string, unit: bigint, what: string): bigint {
  const [int = '0', frac = ''] = num.split('.');
  const scale = 10n ** BigInt(frac.length);
  const total = BigInt(int || '0') * unit * scale + BigInt(frac || '0') * unit;
  if (total % scale !== 0n) throw new Error(`${what}: finer than 1 ns`);
  return total / scale;
}

/**
 * Parses `12ms`, `1.5 s`, `2min`, `3h`, `250ns`, `40us`, `1d`, a bare number
 * of ns, or `hh:mm:ss.sss` (also `mm:ss`, and `Nd hh:mm:ss`). A leading `+`
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
  let ns: bigint;
  const clock = /^(?:(\d+)d\s*)?(?:(\d+):)?(\d+):(\d+(?:\.\d{1,9})?)$/.exec(s);
  const unit = /^(\d+(?:\.\d+)?|\.\d+)\s*(ns|us|µs|ms|s|min|h|d)?$/.exec(s);
  if (clock) {
    const [, d = '0', h = '0', m, sec] = clock;
    if (Number(m) > 59 && clock[2] !== undefined) throw new Error(`${what}: minutes must be 0..59`);
    ns = BigInt(d) * UNIT_NS.d! + BigInt(h) * UNIT_NS.h! + BigInt(m!) * UNIT_NS.min! + scaled(sec!, S, what);
  } else if (unit) {
    ns = scaled(unit[1]!, UNIT_NS[unit[2] ?? 'ns']!, what);
  } else {
    throw new Error(`${what}: expected e.g. 1500ms, 2.5s, 3min, 1h, 16:00:05.250 or +10ms`);
  }
  if (sign === 0n) return ns;
  const t = now + sign * ns;
  if (t < 0n) throw new Error(`${what}: before the start of the run`);
  return t;
}

const pad = (n: bigint, width: number): string => n.toString().padStart(width, '0');

/** `16:00:05.300000000`, with `Nd ` in front past the first day. */
export function formatTime(t: bigint): string {
  const days = t / UNIT_NS.d!;
  const inDay = t % UNIT_NS.d!;
  const h = inDay / UNIT_NS.h!;
  const m = (inDay / UNIT_NS.min!) % 60n;
  const sec = (inDay / S) % 60n;
  const frac = inDay % S;
  return `${days > 0n ? `${days}d ` : ''}${pad(h, 2)}:${pad(m, 2)}:${pad(sec, 2)}.${pad(frac, 9)}`;
}

/** A signed span in the largest unit that keeps it readable: `+2.000 ms`, `-250 ns`. */
export function formatSpan(ns: bigint, signed = false): string {
  const sign = ns < 0n ? '-' : signed ? '+' : '';
  const a = ns < 0n ? -ns : ns;
  const fixed = (unit: bigint, name: string): string => {
    const whole = a / unit;
    const milli = ((a % unit) * 1000n) / unit;
    return `${sign}${whole}.${pad(milli, 3)} ${name}`;
  };
  if (a < 1_000n) return `${sign}${a} ns`;
  if (a < 1_000_000n) return fixed(1_000n, 'us');
  if (a < S) return fixed(1_000_000n, 'ms');
  return fixed(S, 's');
}
