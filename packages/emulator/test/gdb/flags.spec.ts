// Unusable debugging input exits 2 with what and where, before anything runs;
// the editor configuration the guide offers points at what exists.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GDB_DEFAULT_PORT } from '../../src/scenario/node-config.ts';
import { REPO_ROOT } from '../../src/world/defaults.ts';
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

describe('the editor launch configuration in docs/gdb/launch.json', () => {
  it('attaches avr-gdb to the stub default port with the bundled ELF and its sources', () => {
    const launch = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/emulator/docs/gdb/launch.json'), 'utf8'));
    const config = launch.configurations[0];
    expect(config).toMatchObject({ type: 'gdb', request: 'attach', remote: true, gdbpath: 'avr-gdb', target: `127.0.0.1:${GDB_DEFAULT_PORT}` });
    const inWorkspace = (p: string) => p.replace('${workspaceFolder}', REPO_ROOT);
    expect(existsSync(inWorkspace(config.executable))).toBe(true);
    const dir = /^directory (.+)$/.exec(config.autorun[0])?.[1];
    expect(existsSync(join(REPO_ROOT, dir!, 'relay-slave.c'))).toBe(true);
  });
});
