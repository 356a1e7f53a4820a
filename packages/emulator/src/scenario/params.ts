// Typed, position-aware reading of one step's (or the node section's) parameters.
// Every getter records its key as known, so done() can reject the rest by name.
import { isMap, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import { parseDuration } from './duration.ts';
import type { ParamSpec } from './param-spec.ts';
import { Where } from './source.ts';

interface Entry {
  key: Node | null; // null for a shorthand value
  value: Node | null;
}

export class Params {
  private readonly entries = new Map<string, Entry>();
  private readonly known = new Set<string>();

  /**
   * `node` is a mapping of parameters, or (when `shorthand` names a key) a lone
   * value standing for that key: `delay: 5s` means `delay: {duration: 5s}`.
   * An empty value (`- avr-reset:`) has no parameters. With `spec`, reading a
   * parameter it does not declare is a programming error: what the loader reads
   * and what the scenario schema offers come from the same declarations.
   */
  constructor(
    node: Node | null,
    readonly where: Where,
    shorthand?: string,
    private readonly spec?: ParamSpec,
  ) {
    if (node === null || (isScalar(node) && node.value === null)) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (!isScalar(key) || typeof key.value !== 'string') where.fail(key, 'parameter names must be plain strings');
        this.entries.set(key.value, { key, value: pair.value as Node | null });
      }
    } else if (shorthand !== undefined) {
      this.entries.set(shorthand, { key: null, value: node });
    } else {
      const got = isSeq(node) ? 'a list' : isScalar(node) ? JSON.stringify(node.value) : 'something else';
      where.fail(node, `expected a mapping of parameters ({name: value, ...}) or nothing, got ${got}`);
    }
  }

  private know(key: string): void {
    if (this.spec && !Object.hasOwn(this.spec.params, key)) throw new Error(`${this.where.context} reads "${key}", which its parameter declarations lack`);
    this.known.add(key);
  }

  has(key: string): boolean {
    this.know(key);
    return this.entries.has(key);
  }

  /** The raw value node (null when absent), for parameters with their own syntax. */
  node(key: string): Node | null {
    this.know(key);
    return this.entries.get(key)?.value ?? null;
  }

  /** The node to blame for `key`: its value, or the whole step when it is missing. */
  at(key: string): Node | null {
    return this.entries.get(key)?.value ?? null;
  }

  fail(key: string, message: string): never {
    this.where.fail(this.at(key), `${key}: ${message}`);
  }

  private required(key: string): Node {
    const n = this.node(key);
    if (n === null || (isScalar(n) && n.value === null)) {
      if (this.entries.has(key)) this.fail(key, 'needs a value');
      this.where.fail(null, `missing required parameter "${key}"`);
    }
    return n;
  }

  private scalar(key: string, n: Node): Scalar {
    if (!isScalar(n)) this.fail(key, `expected a single value, got a ${isSeq(n) ? 'list' : 'mapping'}`);
    return n;
  }

  string(key: string): string {
    const s = this.scalar(key, this.required(key));
    if (typeof s.value !== 'string') this.fail(key, `expected a string, got ${typeof s.value} ${String(s.value)} (quote it)`);
    return s.value;
  }

  /** A string turned into a value by `parse`; what `parse` throws becomes a located error. */
  parsed<T>(key: string, parse: (text: string) => T): T {
    const text = this.string(key);
    try {
      return parse(text);
    } catch (e) {
      return this.fail(key, (e as Error).message);
    }
  }

  /** A whole number >= 0, written as a YAML number. */
  count(key: string): number {
    const s = this.scalar(key, this.required(key));
    if (typeof s.value !== 'number' || !Number.isInteger(s.value) || s.value < 0) this.fail(key, `expected a whole number >= 0, got ${JSON.stringify(s.value)}`);
    return s.value;
  }

  optString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }

  duration(key: string, fallback?: bigint): bigint {
    if (fallback !== undefined && !this.has(key)) return fallback;
    const s = this.scalar(key, this.required(key));
    try {
      return parseDuration(String(s.value));
    } catch (e) {
      return this.fail(key, (e as Error).message);
    }
  }

  bool(key: string, fallback: boolean): boolean {
    if (!this.has(key)) return fallback;
    const s = this.scalar(key, this.required(key));
    if (typeof s.value !== 'boolean') this.fail(key, `expected true or false, got ${JSON.stringify(s.value)}`);
    return s.value;
  }

  /** One of a fixed set of words (numbers are compared by their YAML spelling). */
  oneOf<T extends string>(key: string, values: readonly T[], fallback?: T): T {
    if (fallback !== undefined && !this.has(key)) return fallback;
    const s = this.scalar(key, this.required(key));
    const text = String(s.value);
    const hit = values.find((v) => v === text);
    if (hit === undefined) this.fail(key, `expected one of ${values.join(', ')}, got ${JSON.stringify(s.value)}`);
    return hit;
  }

  /** A nested mapping, read with the same rules; its errors name `<context> <key>`. */
  section(key: string): Params {
    const n = this.node(key);
    if (!isMap(n)) this.fail(key, 'expected a mapping');
    return new Params(n, new Where(this.where.src, `${this.where.context} ${key}`, n), undefined, this.spec?.params[key]!.type.section);
  }

  /** Rejects every parameter no getter asked for. */
  done(): void {
    for (const [name, e] of this.entries) {
      if (!this.known.has(name)) {
        const allowed = [...this.known];
        const guess = closest(name, allowed);
        const hint = guess ? ` (did you mean ${guess}?)` : '';
        this.where.fail(e.key, `unknown parameter "${name}"${hint}${allowed.length ? ` (known: ${allowed.join(', ')})` : ' (this step takes none)'}`);
      }
    }
  }
}

/** The candidate within edit distance 2 of `word` (typo hints), if exactly one is nearest. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
