// The shipped scenario JSON Schema: current with the declarations, pointed at by
// every shipped scenario, and accepting each of them.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scenarioFiles } from '../cli/select.ts';
import { FIXTURES, REPO_ROOT } from '../world/defaults.ts';
import { EDITOR_KEYWORDS, SCHEMA_FILE, scenarioSchema, scenarioSchemaText } from './schema.ts';

const MODELINE = /^# yaml-language-server: \$schema=(\S+)\n/;


describe('scenario JSON Schema', () => {
  it('the committed file is what the step and node declarations generate (pnpm schema rewrites it)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8'), 'packages/emulator/schema/scenario.schema.json is stale: run pnpm schema').toBe(scenarioSchemaText());
  });

  it('is a valid draft-07 schema', () => {
    const ajv = new Ajv({ allErrors: true, keywords: EDITOR_KEYWORDS });
    expect(ajv.validateSchema(scenarioSchema()), JSON.stringify(ajv.errors)).toBe(true);
  });

  // Every scenario the repository ships, found as `esphil run fixtures/scenarios` finds them.
  const files = scenarioFiles([join(FIXTURES, 'scenarios')]);
  const validate = new Ajv({ allErrors: true, keywords: EDITOR_KEYWORDS }).compile(scenarioSchema());
  it('finds the shipped scenarios', () => expect(files.length).toBeGreaterThan(30));

  it.each(files.map((f) => [relative(REPO_ROOT, f), f]))('%s starts with a modeline naming the schema, and the schema accepts it', (_, file) => {
    const text = readFileSync(file, 'utf8');
    const line = MODELINE.exec(text);
    expect(line, `${file} must start with # yaml-language-server: $schema=<relative path>`).not.toBeNull();
    const target = resolve(dirname(file), line![1]!);
    expect(target).toBe(SCHEMA_FILE);
    expect(existsSync(target)).toBe(true);
    expect(validate(parse(text)), JSON.stringify(validate.errors, null, 1)).toBe(true);
  });
});
