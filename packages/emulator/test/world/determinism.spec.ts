// Same inputs, same trace: byte for byte, run after run; and the in-memory and
// TCP transports give the same relay timeline.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIOS, failureText, runScenarioFile } from './harness.ts';

const file = join(SCENARIOS, 'zone-on-off.yaml');

describe('determinism', () => {
  it('a scenario run twice gives byte-identical traces', async () => {
    const a = await runScenarioFile(file);
    const b = await runScenarioFile(file);
    expect(failureText(a.result)).toBe('');
    expect(a.trace.length).toBeGreaterThan(1000);
    expect(a.trace).toContain('"kind":"spi"');
    expect(a.trace).toContain('"kind":"mqtt"');
    expect(b.trace).toBe(a.trace);
  }, 120_000);

  it('in-memory and TCP transports give the same relay timeline', async () => {
    const mem = await runScenarioFile(file, { transport: 'memory' });
    const tcp = await runScenarioFile(file, { transport: 'tcp' });
    expect(failureText(tcp.result), failureText(tcp.result)).toBe("");
    expect(mem.relays.length).toBeGreaterThanOrEqual(2);
    expect(tcp.relays).toEqual(mem.relays);
  }, 120_000);
});
