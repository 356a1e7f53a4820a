// The scenario JSON Schema and the loader accept and reject the same files.
// Documents are generated from the declarations themselves (each step class's spec,
// NODE_SPEC, SCENARIO_SPEC): valid ones, which both must accept, and mutated ones
// (a value of the wrong type, an unknown key, a missing required parameter, a bad
// duration, an unknown step...), on which both must give the same verdict.
//
// What the loader checks and a schema cannot say is left out of the generated
// values, and only that:
// - files and folders must exist and be what they claim (avr-hex, avr-elf, pki,
//   certs, broker-config, ota-avr image and key): paths here are real fixtures;
// - a /regex/ must compile (matchers): generated patterns compile;
// - broker url must parse as an mqtts:// URL: one real URL is used;
// - utc and set-clock dates must be real calendar days (no 2026-02-30): days 1..28;
// - millis-wrap-in must lie within 1ms..2^32 ms: in-range values only.
// Values of the wrong type (numbers, lists, mappings...) are still tried for all of them.
import { join } from 'node:path';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ScenarioLoadError } from '../../src/scenario/errors.ts';
import { parseScenario, SCENARIO_SPEC } from '../../src/scenario/loader.ts';
import { textMatcher } from '../../src/scenario/matchers.ts';
import { NODE_SPEC } from '../../src/scenario/node-config.ts';
import { satisfiedBy, type ParamDecl, type ParamSpec } from '../../src/scenario/param-spec.ts';
import { EDITOR_KEYWORDS, scenarioSchema } from '../../src/scenario/schema.ts';
import { STEP_CLASSES } from '../../src/scenario/steps/index.ts';
import { FIXTURES } from '../../src/world/defaults.ts';
import { runs } from '../../../../scripts/reliability/fuzz.ts';

/** Where the generated files claim to be: relative paths resolve against fixtures/scenarios. */
const FILE = join(FIXTURES, 'scenarios', 'generated.yaml');
const validate = new Ajv({ allErrors: true, keywords: EDITOR_KEYWORDS }).compile(scenarioSchema());

type Value = unknown;
type Doc = Record<string, Value>;

// ---- values of each declared kind --------------------------------------------------------

/** Real files for the parameters that name one (by key; any existing file for certs). */
const FILES: Record<string, readonly string[]> = {
  'avr-hex': ['bundled', 'bundled-poll', '../avr/relay-slave.hex'],
  'avr-elf': ['../avr/relay-slave.elf'],
  pki: ['../pki'],
  'broker-config': ['../pki/mosquitto.conf'],
  image: ['../avr/relay-slave-v2.hex', '../avr/relay-slave.elf'],
};
const ANY_FILE = ['../pki/ca.crt', '../pki/node.key', '../pki/ota-rogue.key'];
/** Kinds whose strings the schema cannot fully judge (see the top of the file). */
const UNJUDGED_STRINGS = new Set(['file', 'matcher']);
const UNJUDGED_KEYS = new Set(['url', 'millis-wrap-in']);

const text = fc.string({ maxLength: 12 });
const unitsOf = (chars: string, maxLength = 10) => fc.string({ unit: fc.constantFrom(...chars), maxLength });
const DURATION_UNITS = ['d', 'h', 'min', 's', 'ms', 'us', 'ns'];
/** Free fraction digits of each unit (10^k ns): more would leave a fraction of a nanosecond. */
const FREE_DIGITS: Record<string, number> = { d: 11, h: 11, min: 10, s: 9, ms: 6, us: 3, ns: 0 };

const validDuration = fc
  .tuple(fc.subarray(DURATION_UNITS, { minLength: 1 }), fc.array(fc.tuple(fc.nat(999), fc.option(fc.nat(999_999)), fc.constantFrom('', ' ')), { minLength: 7, maxLength: 7 }))
  .map(([units, parts]) =>
    units
      .map((u, i) => {
        const [whole, frac, space] = parts[i]!;
        const fraction = frac === null || FREE_DIGITS[u] === 0 ? '' : `.${String(frac).slice(0, FREE_DIGITS[u])}`;
        return `${whole}${fraction}${space}${u}`;
      })
      .join(' '),
  );
/** Strings made of what durations are made of, in any order: most are wrong, some right. */
const durationLike = fc.oneof(
  unitsOf('0123456789.  smhdinu', 12),
  fc.tuple(validDuration, unitsOf('0123456789.smhinu ', 4)).map(([d, junk]) => d + junk),
  fc.tuple(fc.nat(99), fc.nat(99_999_999_999_999), fc.constantFrom(...DURATION_UNITS)).map(([w, f, u]) => `${w}.${f}${u}`),
);
const validUtc = fc
  .tuple(fc.integer({ min: 1970, max: 2099 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), fc.option(fc.tuple(fc.nat(23), fc.nat(59), fc.nat(59), fc.constantFrom('Z', '+02:00', '-05:30'))))
  .map(([y, m, d, t]) => {
    const p = (n: number) => String(n).padStart(2, '0');
    return `${y}-${p(m)}-${p(d)}${t ? `T${p(t[0])}:${p(t[1])}:${p(t[2])}${t[3]}` : ''}`;
  });
const utcLike = fc.oneof(validUtc, fc.tuple(validUtc, unitsOf('0123456789TZ:+-. ', 3)).map(([u, j]) => u + j));
const byteList = fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 4 });
const hexString = fc
  .tuple(byteList, fc.constantFrom(' ', '', ':', ', '), fc.boolean(), fc.boolean())
  .map(([bytes, sep, prefix, upper]) => bytes.map((b) => `${prefix ? '0x' : ''}${b.toString(16).padStart(2, '0')}`).join(sep)[upper ? 'toUpperCase' : 'toLowerCase']());
const pins = fc.tuple(fc.constantFrom('avr', 'esp', 'arm'), fc.constantFrom('PB0', 'PD7', 'PC6', 'PE1', 'PD8', 'RESET', 'GPIO0', 'GPIO16', 'GPIO17', 'GPIO')).map(([c, p]) => `${c}:${p}`);
const deviceLike = fc.tuple(fc.array(unitsOf('0123456789abcdefABCDEFxg', 3), { minLength: 1, maxLength: 4 }), fc.constantFrom(' ', '  ', '\t')).map(([t, s]) => t.join(s));
const topicLike = unitsOf('ab/+# ', 8);
const compiling = (s: string) => {
  try {
    textMatcher(s);
    return true;
  } catch {
    return false;
  }
};

/** Valid values, and (for `loose`) values that may or may not be valid but that the schema can judge. */
function valuesOf(key: string, d: ParamDecl, loose: boolean): fc.Arbitrary<Value> {
  const t = d.type;
  if (t.section) return sectionOf(t.section);
  switch (t.kind) {
    case 'text':
      return key === 'url' ? fc.constant('mqtts://localhost:8883') : text;
    case 'matcher':
      return fc.oneof(text, text.map((s) => `/${s}/i`)).filter(compiling);
    case 'file':
      return fc.constantFrom(...(FILES[key] ?? ANY_FILE));
    case 'bool':
      return fc.boolean();
    case 'count':
      return loose ? fc.oneof(fc.integer({ min: -3, max: 1000 }), fc.double()) : fc.nat(1000);
    case 'enum':
      return fc.constantFrom(...(t.schema.enum as Value[]));
    case 'duration':
      if (key === 'millis-wrap-in') return fc.constantFrom('1ms', '30s', '1d', '49d 17h 2min 47s 296ms');
      return loose ? fc.oneof(validDuration, durationLike) : validDuration;
    case 'utc':
      return loose ? utcLike : validUtc;
    case 'zones':
      return loose
        ? fc.oneof(fc.constant('none'), fc.integer({ min: -1, max: 8 }), fc.array(fc.integer({ min: -1, max: 8 }), { maxLength: 4 }))
        : fc.oneof(fc.constant('none'), fc.nat(7), fc.uniqueArray(fc.nat(7), { maxLength: 8 }));
    case 'bytes':
      return loose
        ? fc.oneof(hexString, unitsOf('0123456789abcdefABxX :,g', 8), fc.integer({ min: -1, max: 256 }), fc.array(fc.integer({ min: -1, max: 256 }), { maxLength: 3 }))
        : fc.oneof(hexString, fc.nat(255), byteList);
    case 'topic':
      return loose ? topicLike : fc.constantFrom('irrigation/zone/on', 'a', 'a b/c');
    case 'topic-filter':
      return loose ? topicLike : fc.constantFrom('irrigation/#', '+/zone/+', '#', 'a//b');
    case 'pin':
      return loose ? pins : fc.constantFrom('avr:PD2', 'avr:RESET', 'esp:GPIO16');
    case 'device':
      return loose ? deviceLike : fc.constantFrom('1E 95 0F', '1e 94 06', ' 0 ff 1 ');
    case 'gdb':
      return loose ? fc.oneof(fc.boolean(), fc.integer({ min: -2, max: 70_000 }), text) : fc.oneof(fc.constant(true), fc.nat(65_535));
    case 'node':
      return sectionOf(NODE_SPEC);
    case 'steps':
      return fc.array(step, { minLength: 1, maxLength: 3 });
    default:
      throw new Error(`no generator for parameter kind "${t.kind}" (${key}): add one here`);
  }
}

/** Anything of another shape: the schema and the loader must both refuse it where a value of the kind belongs. */
const wrongShape = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), text, fc.array(fc.nat(9), { maxLength: 2 }), fc.dictionary(fc.constantFrom('a', 'b'), fc.nat(3)));

/** A value that may be wrong; strings only where the schema can judge strings of that kind. */
function mutatedValue(key: string, d: ParamDecl): fc.Arbitrary<Value> {
  const judged = !UNJUDGED_STRINGS.has(d.type.kind) && !UNJUDGED_KEYS.has(key) && !d.type.section;
  const shape = judged ? wrongShape : wrongShape.filter((v) => typeof v !== 'string');
  return d.type.section || !judged ? shape : fc.oneof(shape, valuesOf(key, d, true));
}

/** A valid mapping of a spec: every required key, some optional ones, one of each anyOf and at most one of each atMostOne. */
function sectionOf(spec: ParamSpec): fc.Arbitrary<Doc> {
  const keys = Object.keys(spec.params);
  return fc
    .tuple(fc.subarray(keys), fc.record(Object.fromEntries(keys.map((k) => [k, valuesOf(k, spec.params[k]!, false)]))))
    .map(([chosen, values]) => {
      let given = [...chosen];
      for (const [k, d] of Object.entries(spec.params)) if (d.required && !given.includes(k)) given.push(k);
      if (spec.anyOf && !spec.anyOf.some((k) => given.includes(k))) given.push(spec.anyOf[0]!);
      const first = given.find((k) => spec.atMostOne?.includes(k));
      if (first) given = given.filter((k) => k === first || !spec.atMostOne!.includes(k));
      return Object.fromEntries(given.map((k) => [k, values[k]]));
    });
}

// ---- documents ------------------------------------------------------------------------------

/** One step in one of the forms the loader takes: bare word, empty value, shorthand, mapping; with or without name:. */
const steps = [...STEP_CLASSES.values()];
const step: fc.Arbitrary<Value> = fc
  .tuple(fc.constantFrom(...steps), fc.nat(3), fc.option(text))
  .chain(([c, form, label]) => {
    const bare = satisfiedBy(c.spec, []);
    const withLabel = (v: Value) => ({ ...(label !== null && { name: label }), [c.keyword]: v });
    if (bare && form === 0) return fc.constant(label === null ? c.keyword : withLabel(null));
    if (c.shorthand && satisfiedBy(c.spec, [c.shorthand]) && form === 1) return valuesOf(c.shorthand, c.spec.params[c.shorthand]!, false).map(withLabel);
    return sectionOf(c.spec).map(withLabel);
  });

const validDoc: fc.Arbitrary<Doc> = fc
  .tuple(text, fc.option(text), fc.option(sectionOf(NODE_SPEC)), fc.array(step, { minLength: 1, maxLength: 4 }))
  .map(([name, description, node, list]) => ({ name, ...(description !== null && { description }), ...(node !== null && { node }), steps: list }));

type Mutation = (doc: Doc) => fc.Arbitrary<Doc>;
const clone = (doc: Doc): Doc => structuredClone(doc);

/** The parameter mappings of a document, each with its spec: top, node and its sections, every step. */
function mappings(doc: Doc): { map: Doc; spec: ParamSpec }[] {
  const out: { map: Doc; spec: ParamSpec }[] = [{ map: doc, spec: SCENARIO_SPEC }];
  const node = doc.node as Doc | undefined;
  if (node) {
    out.push({ map: node, spec: NODE_SPEC });
    for (const [k, d] of Object.entries(NODE_SPEC.params)) if (d.type.section && node[k]) out.push({ map: node[k] as Doc, spec: d.type.section });
  }
  for (const s of doc.steps as Value[]) {
    if (typeof s !== 'object' || s === null) continue;
    const [kw, v] = Object.entries(s).find(([k]) => k !== 'name')!;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) out.push({ map: v as Doc, spec: STEP_CLASSES.get(kw)!.spec });
  }
  return out;
}

/** Every declared parameter, each with how to put a mapping holding it into a document. */
interface Slot {
  name: string;
  spec: ParamSpec;
  key: string;
  put(doc: Doc, map: Doc): Doc;
}
const slotsOf = (owner: string, spec: ParamSpec, put: Slot['put']): Slot[] => Object.keys(spec.params).map((key) => ({ name: `${owner}: ${key}`, spec, key, put }));
const SLOTS: Slot[] = [
  ...slotsOf('scenario', SCENARIO_SPEC, (doc, map) => ({ ...doc, ...map })),
  ...slotsOf('node', NODE_SPEC, (doc, map) => ({ ...doc, node: map })),
  ...Object.entries(NODE_SPEC.params).flatMap(([k, d]) => (d.type.section ? slotsOf(`node ${k}`, d.type.section, (doc, map) => ({ ...doc, node: { ...(doc.node as Doc), [k]: map } })) : [])),
  ...steps.flatMap((c) => slotsOf(`step ${c.keyword}`, c.spec, (doc, map) => ({ ...doc, steps: [...(doc.steps as Value[]), { [c.keyword]: map }] }))),
];
/** A value that may be wrong in a mapping that is otherwise right, at `slot`. */
const slotted = (slot: Slot, doc: Doc): fc.Arbitrary<Doc> =>
  fc.tuple(sectionOf(slot.spec), mutatedValue(slot.key, slot.spec.params[slot.key]!)).map(([map, value]) => slot.put(clone(doc), { ...map, [slot.key]: value }));

const pick = <T>(items: readonly T[]) => fc.nat(Math.max(0, items.length - 1)).map((i) => items[i]!);

const MUTATIONS: Record<string, Mutation> = {
  'a value of another kind': (doc) => pick(SLOTS).chain((slot) => slotted(slot, doc)),
  'an unknown key': (doc) => {
    const d = clone(doc);
    return fc.tuple(pick(mappings(d)), fc.constantFrom('bogus', 'timout', 'Name', 'steps', 'zones')).map(([{ map, spec }, key]) => {
      if (!spec.params[key]) map[key] = 1;
      else delete map[key];
      return d;
    });
  },
  'a missing key': (doc) => {
    const d = clone(doc);
    return pick(mappings(d)).chain(({ map }) => pick(Object.keys(map)).map((k) => (delete map[k], d)));
  },
  'a bad duration': (doc) => {
    const d = clone(doc);
    const slots = mappings(d).flatMap(({ map, spec }) => Object.keys(spec.params).filter((k) => spec.params[k]!.type.kind === 'duration' && k !== 'millis-wrap-in').map((k) => ({ map, key: k })));
    if (slots.length === 0) return fc.constant(d);
    return fc.tuple(pick(slots), durationLike).map(([s, v]) => (s.map[s.key] = v, d));
  },
  'an unknown step or a step of another shape': (doc) => {
    const d = clone(doc);
    const list = d.steps as Value[];
    return fc.tuple(fc.nat(list.length - 1), fc.oneof(fc.constantFrom('dealy', 'wait', 'name', 'publish', 'avr-reset'), text), fc.oneof(wrongShape, fc.constant(undefined))).map(([i, kw, v]) => {
      list[i] = v === undefined ? kw : { [kw]: v };
      return d;
    });
  },
  'two steps in one item': (doc) => {
    const d = clone(doc);
    const list = d.steps as Value[];
    return fc.tuple(fc.nat(list.length - 1), pick(steps)).map(([i, c]) => {
      const item = list[i];
      list[i] = { ...(typeof item === 'object' && item !== null ? item : { [String(item)]: null }), [c.keyword]: null };
      return d;
    });
  },
  'a document of another shape': () => fc.oneof(wrongShape.map((v) => v as Doc), validDoc.map((d) => ({ ...d, steps: [] })), validDoc.map((d) => ({ ...d, name: 5 }))),
};

const mutatedDoc = fc.tuple(validDoc, fc.constantFrom(...Object.keys(MUTATIONS))).chain(([doc, m]) => MUTATIONS[m]!(doc).map((d) => ({ mutation: m, doc: d })));

// ---- verdicts -------------------------------------------------------------------------------

function loaderVerdict(yaml: string): boolean {
  try {
    parseScenario(yaml, FILE);
    return true;
  } catch (e) {
    if (e instanceof ScenarioLoadError) return false;
    throw e;
  }
}

function schemaVerdict(yaml: string): boolean {
  return validate(parse(yaml)) as boolean;
}

const why = (yaml: string): string => {
  let loader = 'accepted';
  try {
    parseScenario(yaml, FILE);
  } catch (e) {
    loader = (e as Error).message;
  }
  schemaVerdict(yaml);
  return `\n--- file\n${yaml}--- loader: ${loader}\n--- schema: ${JSON.stringify(validate.errors?.slice(0, 4))}`;
};

describe('the scenario JSON Schema and the loader agree', () => {
  it('both accept documents built from the declarations', () => {
    fc.assert(
      fc.property(validDoc, (doc) => {
        const yaml = stringify(doc);
        expect(loaderVerdict(yaml), why(yaml)).toBe(true);
        expect(schemaVerdict(yaml), why(yaml)).toBe(true);
      }),
      runs(150),
    );
  });

  /** The smallest scenario, so each parameter's values are tried many times at little cost. */
  const SMALL: Doc = { name: 'one parameter', steps: ['avr-reset'] };
  it.each(SLOTS.map((slot) => [slot.name, slot] as const))('%s: both judge its values alike', (_, slot) => {
    fc.assert(
      fc.property(slotted(slot, SMALL), (doc) => {
        const yaml = stringify(doc);
        expect(schemaVerdict(yaml), why(yaml)).toBe(loaderVerdict(yaml));
      }),
      runs(60),
    );
  });

  it('both accept or both reject mutated documents', () => {
    const seen: Record<string, { accepted: number; rejected: number }> = {};
    fc.assert(
      fc.property(mutatedDoc, ({ mutation, doc }) => {
        const yaml = stringify(doc);
        const verdict = loaderVerdict(yaml);
        expect(schemaVerdict(yaml), `${mutation}${why(yaml)}`).toBe(verdict);
        const tally = (seen[mutation] ??= { accepted: 0, rejected: 0 });
        tally[verdict ? 'accepted' : 'rejected']++;
      }),
      runs(600),
    );
    // Each kind of mutation was tried and produced rejections (a generator that never breaks anything tests nothing).
    for (const m of Object.keys(MUTATIONS)) expect(seen[m]?.rejected ?? 0, `${m}: ${JSON.stringify(seen[m])}`).toBeGreaterThan(0);
  });
});
