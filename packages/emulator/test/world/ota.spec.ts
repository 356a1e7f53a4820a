// The signed AVR update over MQTT (docs/ota.md): every scenario of fixtures/scenarios/ota passes,
// each one a way the update is used or fails.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIOS, failureText, runScenarioFile } from './harness.ts';

const OTA = join(SCENARIOS, 'ota');
const files = readdirSync(OTA).filter((f) => f.endsWith('.yaml')).sort();

describe('AVR update scenarios', () => {
  for (const f of files) {
    it(`${f} passes`, async () => {
      const { result } = await runScenarioFile(join(OTA, f));
      expect(failureText(result)).toBe('');
      expect(result.status).toBe('pass');
    }, 120_000);
  }
});
