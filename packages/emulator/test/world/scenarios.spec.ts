// Every shipped scenario passes with the bundled firmware.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIOS, failureText, runScenarioFile } from './harness.ts';

const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml')).sort();

describe('shipped scenarios', () => {
  it('ships the scenarios docs/architecture.md and the issue name', () => {
    for (const f of ['boot-and-connect', 'zone-on-off', 'irrigation-day', 'clock-gate', 'expired-broker-cert', 'wifi-and-broker-loss']) {
      expect(files).toContain(`${f}.yaml`);
    }
  });
  for (const f of files) {
    it(`${f} passes`, async () => {
      const { result } = await runScenarioFile(join(SCENARIOS, f));
      expect(failureText(result)).toBe('');
      expect(result.status).toBe('pass');
    }, 120_000);
  }
});
