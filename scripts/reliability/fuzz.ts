// Property-based fuzzing of a parser: whatever bytes come in, the parser
// returns a result or throws its own error naming where the input was wrong;
// never another exception, and never slowly. A failure prints fast-check's
// seed and path; FUZZ_SEED=<seed> FUZZ_PATH=<path> replays exactly that input.
import fc from 'fast-check';
import { performance } from 'node:perf_hooks';

/** Per-input wall time: far above any sane parse of a few kB, far below a hang. */
export const MAX_MS_PER_INPUT = 2000;

export const runs = (n: number): fc.Parameters<unknown> => ({
  numRuns: Number(process.env.FUZZ_RUNS ?? n),
  ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
  ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
});

type Edit = { at: number; op: 'flip' | 'set' | 'cut' | 'insert' | 'delete' | 'repeat'; byte: number; len: number };

const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('flip', 'set', 'cut', 'insert', 'delete', 'repeat'),
  byte: fc.integer({ min: 0, max: 255 }),
  len: fc.integer({ min: 1, max: 64 }),
});

function applyEdits(sample: Uint8Array, edits: Edit[]): Uint8Array {
  let b = Buffer.from(sample);
  for (const e of edits) {
    if (b.length === 0) break;
    const at = e.at % b.length;
    if (e.op === 'flip') b[at] = b[at]! ^ (1 << e.byte % 8);
    else if (e.op === 'set') b[at] = e.byte;
    else if (e.op === 'cut') b = b.subarray(0, at);
    else if (e.op === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.alloc(e.len, e.byte), b.subarray(at)]);
    else if (e.op === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + e.len)]);
    else b = Buffer.concat([b.subarray(0, at + e.len), b.subarray(at)]);
  }
  return b;
}

/** Random bytes, and valid samples with a few random edits (which reach past the first check). */
export function bytesNear(samples: Uint8Array[], maxRandom = 4096): fc.Arbitrary<Uint8Array> {
  const mutated = fc.tuple(fc.constantFrom(...samples), fc.array(edit, { minLength: 1, maxLength: 6 })).map(([s, e]) => applyEdits(s, e));
  return fc.oneof({ weight: 1, arbitrary: fc.uint8Array({ maxLength: maxRandom }) }, { weight: 3, arbitrary: mutated });
}

/** The same as text: bytes read as UTF-8 (what readFileSync(f, 'utf8') would give), and arbitrary strings. */
export function textNear(samples: string[], maxRandom = 2048): fc.Arbitrary<string> {
  const enc = samples.map((s) => Buffer.from(s, 'utf8'));
  return fc.oneof(
    { weight: 1, arbitrary: fc.string({ maxLength: maxRandom, unit: 'binary' }) },
    { weight: 3, arbitrary: bytesNear(enc, maxRandom).map((b) => Buffer.from(b).toString('utf8')) },
  );
}

export interface ParserContract<I> {
  /** The parser on one input; its result is checked by `valid` when given. */
  parse(input: I): unknown;
  /** True for the parser's own error that names a location (file:line, offset, index). */
  ownError(e: unknown): boolean;
  valid?(result: unknown, input: I): void;
}

/** Asserts the contract for every generated input. */
export function assertParser<I>(inputs: fc.Arbitrary<I>, c: ParserContract<I>, numRuns = 300): void {
  fc.assert(
    fc.property(inputs, (input) => {
      const t0 = performance.now();
      let result: unknown;
      try {
        result = c.parse(input);
      } catch (e) {
        if (!c.ownError(e)) throw new Error(`not the parser's own located error: ${(e as Error)?.stack ?? String(e)}`);
        return;
      } finally {
        const ms = performance.now() - t0;
        if (ms > MAX_MS_PER_INPUT) throw new Error(`took ${ms.toFixed(0)} ms on one input (limit ${MAX_MS_PER_INPUT} ms)`);
      }
      c.valid?.(result, input);
    }),
    runs(numRuns),
  );
}
