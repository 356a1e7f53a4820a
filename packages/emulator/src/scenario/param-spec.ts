// What a step (or the node section) accepts, declared beside the code that reads
// it: each parameter's kind, whether it is required, its default and what it means.
// The loader holds reads to these declarations (Params refuses a key that is not
// declared), and the scenario JSON Schema (schema.ts) is generated from them, so an
// editor's completion, hover text and red squiggles say what the loader says.

/** A JSON Schema (draft-07) fragment. */
export type JsonSchema = { [keyword: string]: unknown };

/** One kind of value, with the schema of its YAML forms. */
export interface ParamType {
  /** Stable name of the kind (`duration`, `zones`...), so tests can generate values of it. */
  readonly kind: string;
  readonly schema: JsonSchema;
  /** The parameters of a nested mapping (`ntp: {delay, respond}`), read with `Params.section`. */
  readonly section?: ParamSpec;
}

export interface ParamDecl {
  readonly type: ParamType;
  /** One or two sentences for the editor's hover text. */
  readonly doc: string;
  readonly required?: boolean;
  /** What an absent parameter means, as written in a scenario. */
  readonly default?: string | number | boolean;
}

export interface ParamSpec {
  readonly params: Readonly<Record<string, ParamDecl>>;
  /** At least one of these keys must be given. */
  readonly anyOf?: readonly string[];
  /** At most one of these keys may be given. */
  readonly atMostOne?: readonly string[];
}

/** A string that must match `pattern` (a JavaScript regex source, anchored by the caller). */
const stringOf = (kind: string, pattern?: string): ParamType => ({ kind, schema: { type: 'string', ...(pattern && { pattern }) } });

/** Free text. */
export const TEXT = stringOf('text');
/** A path relative to the scenario file; the loader also checks it exists. */
export const FILE = stringOf('file');
/** Literal text or `/regex/flags` (matchers.ts). */
export const MATCHER = stringOf('matcher');
export const BOOL: ParamType = { kind: 'bool', schema: { type: 'boolean' } };
/** A whole number >= 0 written as a YAML number (Params.count). */
export const COUNT: ParamType = { kind: 'count', schema: { type: 'integer', minimum: 0 } };

/** A value defined once in the schema's `definitions` (durations, zones...), referred to by name. */
export function defined(kind: string): ParamType {
  return { kind, schema: { $ref: `#/definitions/${kind}` } };
}

/** A number and a unit, or several largest-first (duration.ts). */
export const DURATION = defined('duration');
/** An ISO 8601 date, or date and time with Z or an offset (utc.ts). */
export const UTC = defined('utc');
/** Relay zones: `[2]`, `2`, `none` (steps/zones.ts). */
export const ZONES = defined('zones');
/** Bytes: `[0xFB]`, `251`, `"fb 00"` (steps/expect-spi.ts). */
export const BYTES = defined('bytes');

/**
 * A string matching `pattern`, e.g. an MQTT topic. `message` is what an editor says
 * when it does not match (the YAML language server's patternErrorMessage) instead of
 * showing the regular expression.
 */
export function patterned(kind: string, pattern: string, message: string): ParamType {
  return { kind, schema: { ...stringOf(kind, pattern).schema, patternErrorMessage: message } };
}

/**
 * One of a fixed set of words (Params.oneOf). The loader compares a value by its
 * YAML spelling, so `qos: 1` and `qos: "1"` both pass: numbers are listed both ways.
 */
export function oneOf(values: readonly string[]): ParamType {
  const numbers = values.filter((v) => String(Number(v)) === v).map(Number);
  return { kind: 'enum', schema: { enum: [...values, ...numbers] } };
}

/** A nested mapping with its own parameters (Params.section). */
export function section(spec: ParamSpec): ParamType {
  return { kind: 'section', schema: {}, section: spec };
}

/** The parameters as a JSON Schema object: properties with hover text, required keys, nothing else. */
export function objectSchema(spec: ParamSpec): JsonSchema {
  const properties = Object.fromEntries(Object.entries(spec.params).map(([key, d]) => [key, declSchema(d)]));
  const required = Object.entries(spec.params).filter(([, d]) => d.required).map(([k]) => k);
  const rules: JsonSchema[] = [];
  if (spec.anyOf) rules.push({ anyOf: spec.anyOf.map((k) => ({ required: [k] })) });
  if (spec.atMostOne) rules.push({ not: { anyOf: pairs(spec.atMostOne).map((pair) => ({ required: pair })) } });
  return {
    type: 'object',
    properties,
    ...(required.length && { required }),
    additionalProperties: false,
    ...(rules.length && { allOf: rules }),
  };
}

/** One parameter's schema with its hover text and default. */
export function declSchema(d: ParamDecl): JsonSchema {
  const base = d.type.section ? objectSchema(d.type.section) : d.type.schema;
  // Draft-07 ignores keywords beside $ref, so a referenced kind is wrapped to keep its text.
  const shape = '$ref' in base ? { allOf: [base] } : base;
  return { ...shape, description: d.doc, ...(d.default !== undefined && { default: d.default }) };
}

/** Whether the parameters `given` alone satisfy the spec's requirements. */
export function satisfiedBy(spec: ParamSpec, given: readonly string[]): boolean {
  const required = Object.entries(spec.params).filter(([, d]) => d.required).map(([k]) => k);
  return required.every((k) => given.includes(k)) && (!spec.anyOf || spec.anyOf.some((k) => given.includes(k)));
}

function pairs(keys: readonly string[]): string[][] {
  return keys.flatMap((a, i) => keys.slice(i + 1).map((b) => [a, b]));
}
