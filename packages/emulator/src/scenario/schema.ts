// The JSON Schema of scenario files, generated from the declarations the loader
// reads by (each step class's spec, NODE_SPEC, SCENARIO_SPEC): editors with the
// YAML language server (VS Code's YAML extension) offer completion, hover text and
// errors from it. Draft-07, the draft that language server implements fully.
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
        description: 'A number and a unit (ns us ms s min h d), or several largest-first: 250ms, 5s, 1h 30min. A bare number has no unit and is an error.',
      },
      utc: { type: 'string', pattern: UTC_PATTERN, description: 'An ISO 8601 date (2027-01-01) or date and time with Z or an offset (2027-01-01T02:00:00+02:00).' },
      zones: ZONES_SCHEMA,
      bytes: BYTES_SCHEMA,
      gdb: GDB_SCHEMA,
      node: { anyOf: [{ type: 'null' }, objectSchema(NODE_SPEC)] },
      steps: { type: 'array', minItems: 1, items: { $ref: '#/definitions/step' } },
      step: {
        anyOf: [
          { enum: steps.filter((c) => satisfiedBy(c.spec, [])).map((c) => c.keyword), description: 'A step without parameters, as a bare word.' },
          ...steps.map((c) => ({ $ref: `#/definitions/step-${c.keyword}` })),
        ],
      },
      ...Object.fromEntries(steps.map((c) => [`step-${c.keyword}`, stepSchema(c)])),
    },
  };
}

/** `- keyword: value` with an optional `name:` beside it; the value as the loader takes it. */
function stepSchema(c: StepClass): JsonSchema {
  const forms: JsonSchema[] = [];
  if (satisfiedBy(c.spec, [])) forms.push({ type: 'null' });
  forms.push(objectSchema(c.spec));
  if (c.shorthand !== undefined && satisfiedBy(c.spec, [c.shorthand])) forms.push(declSchema(c.spec.params[c.shorthand]!));
  return {
    type: 'object',
    properties: {
      [c.keyword]: { description: c.shorthand ? `${c.doc} Shorthand: the ${c.shorthand} alone.` : c.doc, anyOf: forms },
      name: { type: 'string', description: 'A name for the step, shown in reports.' },
    },
    required: [c.keyword],
    additionalProperties: false,
  };
}

/** The file as `pnpm schema` writes it. */
export function scenarioSchemaText(): string {
  return `${JSON.stringify(scenarioSchema(), null, 2)}\n`;
}
