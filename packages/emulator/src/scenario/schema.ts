// The JSON Schema of scenario files, generated from the declarations the loader
// reads by (each step class's spec, NODE_SPEC, SCENARIO_SPEC): editors with the
// YAML language server (VS Code's YAML extension) offer completion, hover text and
// errors from it. Draft-07, the draft that language server implements fully. Shared
// definitions (duration, utc...) carry no description: a hover shows the innermost one,
// which should be the parameter's own.
// `pnpm schema` writes it to packages/emulator/schema/scenario.schema.json; a test
// fails when that file differs from what this module generates.
import { join } from 'node:path';
import { REPO_ROOT } from '../world/defaults.ts';
import { DURATION_PATTERN } from './duration.ts';
import { SCENARIO_SPEC } from './loader.ts';
import { GDB_SCHEMA, NODE_SPEC } from './node-config.ts';
import { declSchema, objectSchema, satisfiedBy, type JsonSchema } from './param-spec.ts';
import type { StepClass } from './step.ts';
import { BYTES_SCHEMA } from './steps/expect-spi.ts';
import { STEP_CLASSES } from './steps/index.ts';
import { ZONES_SCHEMA } from './steps/zones.ts';
import { UTC_PATTERN } from './utc.ts';

/** Keywords beyond draft-07 the schema carries for editors (the YAML language server reads them; validators ignore them). */
export const EDITOR_KEYWORDS = ['patternErrorMessage'];

/** Where the package ships the schema; scenarios point at it with a yaml-language-server comment. */
export const SCHEMA_FILE = join(REPO_ROOT, 'packages', 'emulator', 'schema', 'scenario.schema.json');

export function scenarioSchema(): JsonSchema {
  const steps = [...STEP_CLASSES.values()];
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'esphil scenario',
    description: 'A scenario for esphil run: a node (node:) and the steps that drive it in virtual time (packages/emulator/docs/scenarios.md).',
    ...objectSchema(SCENARIO_SPEC),
    definitions: {
      duration: {
        type: 'string',
        pattern: DURATION_PATTERN,
        patternErrorMessage: 'a duration is a number and a unit (ns us ms s min h d), e.g. 5s, 250ms, 1h 30min: units largest first, each once',
      },
      utc: {
        type: 'string',
        pattern: UTC_PATTERN,
        patternErrorMessage: 'an ISO 8601 date, 2027-01-01, or date and time with Z or an offset, 2027-01-01T02:00:00+02:00',
      },
      zones: ZONES_SCHEMA,
      bytes: BYTES_SCHEMA,
      gdb: GDB_SCHEMA,
      node: { anyOf: [{ type: 'null' }, objectSchema(NODE_SPEC)] },
      steps: { type: 'array', minItems: 1, items: { $ref: '#/definitions/step' } },
      // A bare word or a mapping; if/then/else rather than anyOf, so an editor reports what is wrong inside the mapping.
      step: {
        if: { type: 'string' },
        then: { enum: steps.filter((c) => satisfiedBy(c.spec, [])).map((c) => c.keyword), description: 'A step without parameters, as a bare word.' },
        else: stepMapping(steps),
      },
    },
  };
}

/**
 * `- keyword: value` with an optional `name:` beside it. Every keyword is a property
 * of one mapping (so an editor completes keywords and reports a bad value at the
 * value), and exactly one of them is required.
 */
function stepMapping(steps: readonly StepClass[]): JsonSchema {
  return {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'A name for the step, shown in reports.' },
      ...Object.fromEntries(steps.map((c) => [c.keyword, stepValue(c)])),
    },
    additionalProperties: false,
    oneOf: steps.map((c) => ({ required: [c.keyword] })),
  };
}

/** The value after a step keyword, as the loader takes it: nothing, a mapping of parameters, or the shorthand parameter alone. */
function stepValue(c: StepClass): JsonSchema {
  const others: JsonSchema[] = [];
  if (satisfiedBy(c.spec, [])) others.push({ type: 'null' });
  // An editor shows the innermost description on hover: the shorthand's says what the step does too.
  const short = c.shorthand === undefined ? undefined : c.spec.params[c.shorthand]!;
  if (short && satisfiedBy(c.spec, [c.shorthand!])) others.push({ ...declSchema(short), description: `${c.doc} ${c.shorthand}: ${short.doc}` });
  const description = c.shorthand ? `${c.doc} Shorthand: the ${c.shorthand} alone.` : c.doc;
  // A mapping is always parameters; anything else is the shorthand (or nothing): said with if/then/else, an
  // editor reports the shorthand's own problem (a duration without a unit) rather than "expected a mapping".
  const otherwise = others.length === 0 ? { type: 'object' } : others.length === 1 ? others[0]! : { anyOf: others };
  return { description, if: { type: 'object' }, then: objectSchema(c.spec), else: otherwise };
}

/** The file as `pnpm schema` writes it. */
export function scenarioSchemaText(): string {
  return `${JSON.stringify(scenarioSchema(), null, 2)}\n`;
}
