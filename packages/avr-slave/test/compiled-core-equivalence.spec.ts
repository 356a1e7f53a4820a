// The compiled blocks (block-cache.ts) must be avr8js, cycle for cycle: each
// program runs on two ATmega168s in lock-step, one with compiled blocks and one
// decoding every instruction with avr8js's avrInstruction, and after every step
// the program counter, cycle count and the whole data space (r0-r31, I/O with
// SREG and SP, SRAM) must be equal. Random instruction streams cover every
// encoding avr8js knows, and the bundled and a compiled-in-test firmware cover
// interrupts, timers, SPI, sleep and the polling fast-forward; erased flash
// (runs of words without an encoding, skipped whole) is run with a timer
// interrupt firing inside it and as a firmware cut short by a lost ISP session.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ATmega168, BENCH_BUSY_HEX, BUNDLED_HEX, FLASH_BYTES, RAMEND, parseIntelHex } from '../src/index.ts';
import { instructionSet } from '../src/instruction-set.ts';
import { FLASH_PAGE_WORDS } from '../src/isp.ts';
import { bootBundled, spiWindow } from './bundled-firmware.ts';
import { JMP_MAIN, MAIN, flashImage, toolAvailable } from './helpers.ts';

interface Pair {
  compiled: ATmega168;
  reference: ATmega168;
}

function pair(flash: Uint8Array): Pair {
  const [compiled, reference] = [true, false].map((c) => {
    const avr = new ATmega168({ compiled: c, startupDelay: false });
    avr.loadProgram(flash);
    return avr;
  });
  return { compiled: compiled!, reference: reference! };
}

/** The first difference between the two cores, or undefined. */
function difference({ compiled: a, reference: b }: Pair): string | undefined {
  if (a.cpu.pc !== b.cpu.pc || a.cycles !== b.cycles) return `pc ${a.cpu.pc}/${b.cpu.pc}, cycles ${a.cycles}/${b.cycles}`;
  const da = a.cpu.data;
  const db = b.cpu.data;
  for (let i = 0; i < da.length; i++) {
    if (da[i] !== db[i]) return `data[0x${i.toString(16)}] 0x${da[i]!.toString(16)}/0x${db[i]!.toString(16)} at pc 0x${a.cpu.pc.toString(16)}, cycle ${a.cycles}`;
  }
  return a.sleeping === b.sleeping ? undefined : `sleeping ${a.sleeping}/${b.sleeping}`;
}

/**
 * Runs both to the same targets: `steps` single instructions (target = cycles + 1 runs
 * exactly one instruction and its tick), then stretches of `stretch` cycles. Returns
 * the first difference with the step it appeared at.
 */
function lockStep(p: Pair, steps: number, stretches = 0, stretch = 0): string | undefined {
  for (let s = 0; s < steps + stretches; s++) {
    const target = p.reference.cycles + (s < steps ? 1 : stretch);
    p.compiled.runUntil(target);
    p.reference.runUntil(target);
    const diff = difference(p);
    if (diff) return `step ${s}: ${diff}`;
  }
  return undefined;
}

const STREAM_START = FLASH_BYTES / 4;

/**
 * Random code soon leaves what avr8js defines: a return from an empty stack reads past
 * the data space (PC becomes NaN), a jump past flash reads no opcode. Such a stream ends there.
 */
function definedForAvr8js(avr: ATmega168): boolean {
  const { pc, SP } = avr.cpu;
  return Number.isInteger(pc) && pc >= 0 && pc < FLASH_BYTES / 2 && SP <= RAMEND - 2;
}

/** xorshift32: the same stream for a seed on every run, so a failure names its seed. */
function random(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

describe('compiled blocks against avr8js, in lock-step', () => {
  it('random instruction streams: every step', () => {
    const seen = new Set<number>();
    const set = instructionSet();
    let steps = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const next = random(seed);
      const flash = new Uint8Array(FLASH_BYTES);
      for (let i = 0; i < flash.length; i++) flash[i] = next() & 0xff;
      const p = pair(flash);
      for (const avr of [p.compiled, p.reference]) {
        avr.cpu.SP = RAMEND - 0x40; // a few random bytes to return to
        avr.cpu.pc = STREAM_START; // relative jumps either way stay in flash
      }
      for (let s = 0; s < 2_000 && definedForAvr8js(p.reference); s++, steps++) {
        seen.add(set.encodingOf(p.reference.cpu.progMem[p.reference.cpu.pc]!));
        const target = p.reference.cycles + 1;
        p.compiled.runUntil(target);
        p.reference.runUntil(target);
        const diff = difference(p);
        if (diff) expect.fail(`seed ${seed}, step ${s}: ${diff}`);
      }
    }
    expect(steps).toBeGreaterThan(40_000);
    // The streams met (almost) every encoding avr8js has.
    expect(seen.size).toBeGreaterThan(set.encodings.length * 0.8);
  });

  it('the busy benchmark firmware: every instruction, then stretches of 10 007 cycles', () => {
    const p = pair(parseIntelHex(readFileSync(BENCH_BUSY_HEX, 'utf8'), BENCH_BUSY_HEX));
    expect(lockStep(p, 20_000, 300, 10_007)).toBeUndefined();
  });

  it.each(['sleep', 'poll'] as const)('the bundled %s build under SPI traffic', (build) => {
    const [compiled, reference] = [true, false].map((c) => bootBundled(build, { compiled: c })) as [ATmega168, ATmega168];
    const p = { compiled, reference };
    const bytes: number[][] = [[], []];
    for (const [i, avr] of [compiled, reference].entries()) {
      for (let n = 0; n < 20; n++) bytes[i]!.push(...spiWindow(avr, 8_000 * (n + 1) + n * 37, [n * 13 + 1]));
    }
    expect(bytes[0]).toEqual(bytes[1]);
    expect(difference(p)).toBeUndefined();
    expect(lockStep(p, 2_000, 100, 1_001)).toBeUndefined();
  });

  it('erased flash with a timer interrupt taken inside it, around the end of flash and back', () => {
    const p = pair(
      flashImage({
        0: JMP_MAIN,
        0x20: `
          inc r20         ; TIMER0 OVF, handled in its vector: only the interrupt comes here
          reti`,
        [MAIN]: `
          ldi r16, 1
          out 0x25, r16   ; TCCR0B: CS00, overflow every 256 cycles
          sts 0x6e, r16   ; TIMSK0: TOIE0
          sei`, // then erased flash to the end, where PC wraps to 0
      }),
    );
    expect(lockStep(p, 20_000, 400, 997)).toBeUndefined();
    expect(lockStep(p, 0, 20, 100_003)).toBeUndefined();
    expect(p.compiled.cpu.data[20]).toBe(p.reference.cpu.data[20]);
    expect(p.compiled.cpu.data[20]).toBeGreaterThan(100); // the interrupt came in the erased runs
  });

  it('a firmware cut short by a lost ISP session: its first page written, the rest erased', () => {
    const flash = parseIntelHex(readFileSync(BUNDLED_HEX.v2, 'utf8'), BUNDLED_HEX.v2);
    flash.fill(0xff, FLASH_PAGE_WORDS * 2);
    const p = pair(flash);
    expect(lockStep(p, 30_000, 300, 10_007)).toBeUndefined();
  });

  it('an avr-gcc firmware with a timer interrupt, an SPI interrupt and a busy loop', (ctx) => {
    if (!['avr-gcc', 'avr-objcopy'].every(toolAvailable)) return ctx.skip();
    const dir = mkdtempSync(join(tmpdir(), 'esphil-core-'));
    try {
      writeFileSync(join(dir, 'fw.c'), TIMER_FIRMWARE);
      execFileSync('avr-gcc', ['-mmcu=atmega168', '-Os', '-o', join(dir, 'fw.elf'), join(dir, 'fw.c')]);
      execFileSync('avr-objcopy', ['-O', 'ihex', '-R', '.eeprom', join(dir, 'fw.elf'), join(dir, 'fw.hex')]);
      const hex = readFileSync(join(dir, 'fw.hex'), 'utf8');
      const p = pair(parseIntelHex(hex, 'fw.hex'));
      expect(lockStep(p, 10_000, 300, 3_001)).toBeUndefined();
      for (const [i, avr] of [p.compiled, p.reference].entries()) spiWindow(avr, 2_000_000 + i * 0, [0x5a, 0xa5]);
      expect(lockStep(p, 5_000)).toBeUndefined();
      expect(p.compiled.cpu.data[0x2b]).toBe(0xa5); // PORTD: the SPI ISR ran
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const TIMER_FIRMWARE = `
#include <avr/io.h>
#include <avr/interrupt.h>
volatile uint16_t ticks;
volatile uint8_t table[64];
ISR(TIMER0_OVF_vect) { ticks++; table[ticks & 63] ^= (uint8_t)ticks; }
ISR(SPI_STC_vect) { uint8_t b = SPDR; PORTD = b; SPDR = b; }
int main(void) {
  DDRD = 0xFF;
  DDRB = _BV(PB4);
  SPCR = _BV(SPE) | _BV(SPIE);
  TCCR0B = _BV(CS00);
  TIMSK0 = _BV(TOIE0);
  sei();
  uint32_t acc = 1;
  for (;;) {
    for (uint8_t i = 0; i < 64; i++) acc = acc * 33 + table[i];
    PORTC = (uint8_t)acc;
    if (acc & 0x100) { cli(); table[acc & 63] = (uint8_t)(acc >> 8); sei(); }
  }
}
`;
