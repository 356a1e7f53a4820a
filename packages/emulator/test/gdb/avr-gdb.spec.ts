// Debian's avr-gdb, in batch mode, against `esphil run --gdb` on the zone
// 2 scenario: the script the debugging guide shows (docs/gdb/zone-on-off.gdb),
// checked line by line, its transcript kept in docs/debugging.md, and the
// debugged run's trace compared with an undebugged one.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLED_ELF, parseElf, symbolAddress } from '@esphil/avr-slave';
import { REPO_ROOT } from '../../src/world/defaults.ts';
import { needTools } from '../capture/tools.ts';
import { esphil } from '../cli/cli.ts';
import { debuggedRun, docBlock, run } from './harness.ts';
import { formatVirtual } from '../../src/scenario/duration.ts';
import { readTraceFile } from '../../src/trace/jsonl.ts';

const tools = needTools('avr-gdb');
const SCENARIO = 'fixtures/scenarios/zone-on-off.yaml';
const SCRIPT = 'packages/emulator/docs/gdb/zone-on-off.gdb';
const GUIDE = join(REPO_ROOT, 'packages/emulator/docs/debugging.md');
const RETI = 0x9518;

const dir = mkdtempSync(join(tmpdir(), 'esphil-gdb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SOURCE = readFileSync(join(REPO_ROOT, 'packages/avr-slave/firmware/relay-slave.c'), 'utf8').split('\n');
/** 1-based number of the source line containing `text`. */
const lineOf = (text: string): number => SOURCE.findIndex((l) => l.includes(text)) + 1;

const cyclesIn = (line: string | undefined): number => Number(/cycle (\d+)/.exec(line ?? '')?.[1]);

describe.skipIf(tools.skip)('avr-gdb against esphil run --gdb', () => {
  it('breaks in the SPI handler, steps, watches PORTD, and leaves the trace as an undebugged run makes it', async () => {
    tools.assert();
    // The script's break *0x9c is the handler's reti in the bundled build.
    const elf = parseElf(new Uint8Array(readFileSync(BUNDLED_ELF)));
    expect(symbolAddress(elf, '__vector_17')).toBe(0x80);
    expect(elf.flash[0x9c]! | (elf.flash[0x9d]! << 8)).toBe(RETI);
    // ...and its break by line stops at relays_set's SPDR assignment.
    const spdrLine = lineOf('SPDR = RELAY_ANSWER(value)');
    expect(readFileSync(join(REPO_ROOT, SCRIPT), 'utf8'), `${SCRIPT} should break at relay-slave.c:${spdrLine}`).toContain(`break relay-slave.c:${spdrLine}\n`);
    const isrLine = lineOf('ISR(SPI_STC_vect)') + 1; // the handler's opening brace

    const debuggedTrace = join(dir, 'debugged.jsonl');
    const { port, exit } = await debuggedRun(SCENARIO, ['--avr-elf', 'fixtures/avr/relay-slave.elf', '--trace', debuggedTrace]);
    const gdb = await run('avr-gdb', ['-batch', '-nx', 'fixtures/avr/relay-slave.elf', '-ex', `target remote 127.0.0.1:${port}`, '-x', SCRIPT], 90_000);
    const esphilExit = await exit;
    expect(esphilExit.code, esphilExit.stdout + esphilExit.stderr).toBe(0);
    expect(esphilExit.stdout).toMatch(/1 scenario: 1 passed, 0 failed/);
    expect(esphilExit.stderr).toMatch(/gdb: debugger detached; the world runs on/);
    const out = gdb.out;
    expect(gdb.code, out).toBe(0);
    expect(out).not.toMatch(/Error|error:/);

    // The SPI interrupt: the scenario's "2 120" arrives as 0xFB.
    expect(out).toContain(`Breakpoint 1, __vector_17 () at relay-slave.c:${isrLine}`);
    // The scenario's two SPI transactions, as the run's own trace has them: zone 2 on, then all off.
    const spi = readTraceFile(debuggedTrace).filter((e) => e.kind === 'spi');
    expect(spi.map((e) => e.bytes.map((b) => b.mosi))).toEqual([[0xfb], [0xff]]);
    expect(out).toContain(`last SPI transaction at ${formatVirtual(spi[0]!.t)}: MOSI 0xfb, MISO 0xff`);
    // stepi over `push r1` advances the AVR by its 2 cycles.
    const times = out.split('\n').filter((l) => l.startsWith('virtual time'));
    expect(cyclesIn(times[1]) - cyclesIn(times[0])).toBe(2);
    // A breakpoint by source line, with the inlined function's argument.
    expect(out).toContain(`Breakpoint 2, relays_set (value=251 '\\373') at relay-slave.c:${spdrLine}`);
    expect(out).toMatch(/\$1 = 0xfb/);
    // After the handler's reti: back in main, PORTD reads 0xFB, SP is inside SRAM again.
    expect(out).toContain(`0x000000be in main () at relay-slave.c:${lineOf('sleep_mode();')}`);
    expect(out).toMatch(/\$2 = 0xfb/);
    const sp = Number(/^SP\s+(0x[0-9a-f]+)/m.exec(out)?.[1]);
    expect(sp).toBeGreaterThanOrEqual(0x100);
    expect(sp).toBeLessThanOrEqual(0x4ff);
    expect(out).toMatch(/PORTD 0xfb DDRD 0xff: relays on: 2/);
    // The watchpoint fires when the ESP's 120 s timer switches zone 2 off.
    expect(out).toMatch(/Hardware watchpoint 4: \*\(unsigned char \*\)0x2b\n\nOld value = 251 '\\373'\nNew value = 255 '\\377'/);
    expect(times[2]).toContain(`virtual time ${formatVirtual(spi[1]!.t)} `);
    expect(out).toMatch(/\[Inferior 1 \(Remote target\) detached\]/);

    // The same scenario undebugged, from the bundled .hex: the same trace, byte for byte.
    const plainTrace = join(dir, 'plain.jsonl');
    const plain = await esphil(['run', SCENARIO, '--trace', plainTrace]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(readFileSync(debuggedTrace, 'utf8')).toBe(readFileSync(plainTrace, 'utf8'));

    // The guide shows this very transcript.
    const [guide, fresh] = docBlock(GUIDE, 'transcript', out);
    expect(guide, 'docs/debugging.md shows an old transcript: rerun this test with ESPHIL_UPDATE_DOCS=1').toBe(fresh);
  }, 240_000);
});
