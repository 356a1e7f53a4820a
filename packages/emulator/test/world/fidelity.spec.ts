// Every fidelity scenario (fixtures/scenarios/fidelity: one behaviour of the real node
// per file) passes with the bundled firmware and with a minimal polling slave built
// here by avr-gcc, so none of them leans on the bundled firmware's particulars.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/loader.ts';
import { needTools } from '../capture/tools.ts';
import { SCENARIOS, failureText, runScenarioFile } from './harness.ts';

const FIDELITY = join(SCENARIOS, 'fidelity');
const files = readdirSync(FIDELITY).filter((f) => f.endsWith('.yaml')).sort();
const avrGcc = needTools('avr-gcc');

/** The smallest slave that does the job: spin on SPIF, PORTD = the byte, answer 0x00. */
const POLLING_SLAVE = `
#include <avr/io.h>
int main(void) {
  DDRD = 0xFF;
  PORTD = 0xFF;
  DDRB = _BV(DDB4); /* MISO */
  SPCR = _BV(SPE);
  for (;;) {
    while (!(SPSR & _BV(SPIF))) {}
    PORTD = SPDR;
    SPDR = 0x00;
  }
}
`;

function buildPollingSlave(): string {
  const dir = mkdtempSync(join(tmpdir(), 'esphil-slave-'));
  writeFileSync(join(dir, 'slave.c'), POLLING_SLAVE);
  const cc = spawnSync('avr-gcc', ['-mmcu=atmega168', '-Os', '-o', join(dir, 'slave.elf'), join(dir, 'slave.c')], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`avr-gcc failed: ${cc.stderr}`);
  const oc = spawnSync('avr-objcopy', ['-O', 'ihex', '-R', '.eeprom', join(dir, 'slave.elf'), join(dir, 'slave.hex')], { encoding: 'utf8' });
  if (oc.status !== 0) throw new Error(`avr-objcopy failed: ${oc.stderr}`);
  return join(dir, 'slave.hex');
}

describe('fidelity scenarios', () => {
  it('each say what the real node does and why', async () => {
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect((await loadScenario(join(FIDELITY, f))).description, f).toMatch(/\w+ \w+ \w+/);
  });

  for (const f of files) {
    it(`${f} passes with the bundled firmware`, async () => {
      const { result } = await runScenarioFile(join(FIDELITY, f));
      expect(failureText(result)).toBe('');
    }, 120_000);
  }
});

describe.skipIf(avrGcc.skip)('fidelity scenarios with an avr-gcc polling slave', () => {
  let hex = '';
  beforeAll(() => {
    avrGcc.assert();
    hex = buildPollingSlave();
  }, 60_000);

  for (const f of files) {
    it(`${f} passes`, async () => {
      const { result } = await runScenarioFile(join(FIDELITY, f), { avrHex: { file: hex } });
      expect(failureText(result)).toBe('');
    }, 120_000);
  }
});
