// `break avr` in the stepper: by symbol with the ELF, by address without it,
// the stop shown with function and source line; the docs' example is this run.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/world/defaults.ts';
import { esphil } from '../cli/cli.ts';
import { docBlock } from './harness.ts';
import { formatTime } from '../../src/stepper/time.ts';

const SCENARIO = 'fixtures/scenarios/zone-on-off.yaml';

describe('esphil step: break avr', () => {
  it('stops where the AVR reaches a function or address, naming the function and source line', async () => {
    const input = 'break avr __vector_17\nbreak avr 0x9c\nc\nc\nd 1\nd 2\nc\nq\n';
    const r = await esphil(['step', SCENARIO, '--avr-elf', 'fixtures/avr/relay-slave.elf'], { input });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Breakpoint 1: avr __vector_17 \(__vector_17 relay-slave\.c:\d+\)$/m);
    // The stop is at the AVR's own time, its cycle count times 125 ns (8 MHz).
    const stop = /^Breakpoint 1 \(avr __vector_17 .*\) at (\S+)\n\1 {2}AVR stopped at 0x0080 in __vector_17 relay-slave\.c:\d+ \(cycle (\d+)\)$/m.exec(r.stdout);
    expect(stop, r.stdout).not.toBeNull();
    expect(stop![1]).toBe(formatTime(BigInt(stop![2]!) * 125n));
    expect(r.stdout).toMatch(/AVR stopped at 0x009c in __vector_17\+0x1c relay-slave\.c:\d+/);
    // Deleted, the breakpoints no longer stop the AVR: the run goes to its end.
    expect(r.stdout).toMatch(/no breakpoints set: running to the end\nend of fixtures\/scenarios\/zone-on-off\.yaml reached at \S+\n/);
    expect(r.stdout.match(/AVR stopped/g)).toHaveLength(2);

    const example = await esphil(['step', SCENARIO, '--avr-elf', 'fixtures/avr/relay-slave.elf'], { input: 'break avr __vector_17\nc\nq\n' });
    const [doc, fresh] = docBlock(join(REPO_ROOT, 'packages/emulator/docs/stepper.md'), 'example', `$ printf 'break avr __vector_17\\nc\\nq\\n' | pnpm -s esphil step ${SCENARIO} --avr-elf fixtures/avr/relay-slave.elf\n${example.stdout}`);
    expect(doc, 'docs/stepper.md shows an old example: rerun this test with ESPHIL_UPDATE_DOCS=1').toBe(fresh);
  }, 120_000);

  it('takes addresses without an ELF and says why a name needs one', async () => {
    const r = await esphil(['step', SCENARIO], { input: 'break avr __vector_17\nbreak avr 0x80\nbreak avr 0x81\nc\nq\n' });
    expect(r.stdout).toContain("break avr __vector_17: symbols need the firmware's ELF (--avr-elf, or avr-elf: in the scenario's node section); an address like 0x80 works without");
    expect(r.stdout).toContain('break avr 0x81: instructions are at even flash addresses below 0x4000');
    expect(r.stdout).toMatch(/AVR stopped at 0x0080 \(cycle \d+\)/);
    const traceFile = join(tmpdir(), `esphil-step-break-${process.pid}.jsonl`);
    expect((await esphil(['run', SCENARIO, '--trace', traceFile])).code).toBe(0);
    const trace = await esphil(['step', traceFile], { input: 'break avr 0x80\nq\n' });
    rmSync(traceFile);
    expect(trace.stdout).toContain('break avr: the AVR runs only when stepping a scenario, not a recorded trace');
  }, 120_000);
});
