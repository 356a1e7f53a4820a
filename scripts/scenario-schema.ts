// `pnpm schema`: writes the scenario JSON Schema, generated from the step and node
// declarations, to packages/emulator/schema/scenario.schema.json (test/schema checks it is current).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { SCHEMA_FILE, scenarioSchemaText } from '../packages/emulator/src/scenario/schema.ts';

mkdirSync(dirname(SCHEMA_FILE), { recursive: true });
writeFileSync(SCHEMA_FILE, scenarioSchemaText());
console.log(`wrote ${relative(process.cwd(), SCHEMA_FILE)}`);
