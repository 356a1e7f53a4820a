// The signed AVR update over MQTT (docs/ota.md): every scenario of fixtures/scenarios/ota passes,
// each one a way the update is used or fails.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BR_IOBUF_IN_SIZE, BR_IOBUF_OUT_SIZE } from '@esphil/esp-model';
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

describe('AVR update memory', () => {
  it('fits beside the one TLS session; the trace shows free heap too small for a second one', async () => {
    const { result, trace } = await runScenarioFile(join(OTA, 'ota-quick.yaml'));
    expect(result.status).toBe('pass');
    const events = trace.split('\n').map((l) => JSON.parse(l) as { kind: string; what?: string; detail?: Record<string, number> });
    const connected = events.find((e) => e.what === 'esp-heap' && (e.detail as unknown as { at: string }).at === 'mqtt-connected')!.detail!.freeHeap!;
    const programming = events.find((e) => e.what === 'ota-programming')!.detail!;
    // Staging and hashing live in flash and on the stack; programming borrows one 128-byte page buffer.
    expect(programming.freeHeap).toBe(connected - 128);
    // A second BearSSL session needs its I/O buffers alone (16 KB + 325 in, 512 + 85 out): it cannot be had.
    expect(programming.freeHeap!).toBeLessThan(BR_IOBUF_IN_SIZE + BR_IOBUF_OUT_SIZE);
    const after = events.filter((e) => e.what === 'ota-status').at(-1)!.detail!;
    expect(after.freeHeap).toBe(connected); // nothing leaked
  }, 60_000);
});
