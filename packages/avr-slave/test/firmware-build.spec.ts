// The committed fixtures/avr/*.hex and relay-slave.elf must be exactly what firmware/Makefile builds
// with Debian's gcc-avr and avr-libc (always checked in CI).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BENCH_BUSY_HEX, BUNDLED_ELF, BUNDLED_HEX, parseIntelHex } from '../src/index.ts';
import { toolAvailable } from './helpers.ts';

const firmwareDir = fileURLToPath(new URL('../firmware', import.meta.url));
const committed = { ...BUNDLED_HEX, busy: BENCH_BUSY_HEX };

describe('bundled firmware', () => {
  it('rebuilds byte-identical with avr-gcc -mmcu=atmega168 -Os (the .elf with -gdwarf-4)', (ctx) => {
    if (!['make', 'avr-gcc', 'avr-objcopy'].every(toolAvailable)) return ctx.skip();
    const out = mkdtempSync(join(tmpdir(), 'esphil-avr-'));
    try {
      execFileSync('make', ['-s', '-C', firmwareDir, `OUT=${out}`], { stdio: 'pipe' });
      for (const file of Object.values(committed)) {
        const name = file.split('/').pop()!;
        expect(readFileSync(join(out, name), 'utf8'), name).toBe(readFileSync(file, 'utf8'));
      }
      // The debug build records no build directory or command line, so it is byte-identical anywhere.
      expect(readFileSync(join(out, 'relay-slave.elf')).equals(readFileSync(BUNDLED_ELF)), 'relay-slave.elf').toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('is a valid ATmega168 image', () => {
    for (const file of Object.values(committed)) {
      const flash = parseIntelHex(readFileSync(file, 'utf8'), file);
      expect(flash[0], file).toBe(0x0c); // JMP at the reset vector
      expect(flash[1], file).toBe(0x94);
    }
  });
});
