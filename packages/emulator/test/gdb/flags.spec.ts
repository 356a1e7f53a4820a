// Unusable debugging input exits 2 with what and where, before anything runs.
import { describe, expect, it } from 'vitest';
import { esphil } from '../cli/cli.ts';

const SCENARIO = 'fixtures/scenarios/zone-on-off.yaml';

describe('esphil run --avr-elf / --gdb input checks', () => {
  it('refuses a file that is not an AVR ELF, as docs/debugging.md shows', async () => {
    const r = await esphil(['run', SCENARIO, '--avr-elf', 'fixtures/pki/ca.crt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('AVR ELF file fixtures/pki/ca.crt: not an ELF file (no \\x7fELF magic at offset 0)\n');
  });

  it('refuses two firmware flags, a missing ELF, a bad port and --gdb-wait without --gdb', async () => {
    const both = await esphil(['run', SCENARIO, '--avr-elf', 'fixtures/avr/relay-slave.elf', '--avr-hex', 'fixtures/avr/relay-slave.hex']);
    expect([both.code, both.stderr]).toEqual([2, 'esphil run: give the firmware once: --avr-hex or --avr-elf, not both\n']);
    const missing = await esphil(['run', SCENARIO, '--avr-elf', 'nope.elf']);
    expect([missing.code, missing.stderr]).toEqual([2, 'cannot read AVR ELF file nope.elf: ENOENT\n']);
    const port = await esphil(['run', SCENARIO, '--gdb=70000']);
    expect([port.code, port.stderr]).toEqual([2, 'esphil run: --gdb "70000": want a TCP port (0-65535)\n']);
    const wait = await esphil(['run', SCENARIO, '--gdb-wait']);
    expect([wait.code, wait.stderr]).toEqual([2, "esphil run: --gdb-wait needs --gdb (or gdb: in the scenario's node section)\n"]);
  }, 120_000);
});
