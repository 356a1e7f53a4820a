// Test support: hand-written AVR assembly (avr8js's assembler) placed at fixed
// word addresses, so a spec can put code at the reset and interrupt vectors.
import { execFileSync } from 'node:child_process';
import { assemble } from 'avr8js/dist/cjs/utils/assembler.js';
import { ATmega168, type ATmega168Options } from '../src/index.ts';

/** Assembles each segment at its word address; returns a flash image. */
export function flashImage(segments: Record<number, string>): Uint8Array {
  const flash = new Uint8Array(16 * 1024).fill(0xff);
  for (const [word, source] of Object.entries(segments)) {
    const { bytes, errors } = assemble(source);
    if (errors.length) throw new Error(`assembly at word 0x${Number(word).toString(16)}: ${errors.join('; ')}`);
    flash.set(bytes, Number(word) * 2);
  }
  return flash;
}

/** An ATmega168 running the given segments (word 0 is the reset vector). */
export function mcuWith(segments: Record<number, string>, opts?: ATmega168Options): ATmega168 {
  // Specs count cycles from the first instruction; startup-delay.spec.ts asks for the delay.
  const avr = new ATmega168({ startupDelay: false, ...opts });
  avr.loadProgram(flashImage(segments));
  return avr;
}

/** Word address where specs put their main program, past the 26 two-word vectors. */
export const MAIN = 0x40;
export const JMP_MAIN = `jmp ${MAIN * 2}`;

/** The word address of sleeper()'s SPI interrupt handler. */
export const SPI_HANDLER = 0x30;

/** SPI interrupt handler at 0x30 copies SPDR to PORTD; main sleeps in `smcr` mode after `setup`. */
export const sleeper = (smcr: number, setup = '') => ({
  0: JMP_MAIN,
  0x0c: 'jmp 0x70', // WDT -> 0x38
  0x22: 'jmp 0x60', // SPI STC -> 0x30
  0x30: `
    in r17, 0x2e
    out 0x0b, r17
    reti`,
  0x38: `
    ldi r17, 0x3c
    out 0x0b, r17
    reti`,
  [MAIN]: `
    ldi r16, 0x10
    out 0x04, r16
    ldi r16, 0xc0
    out 0x2c, r16   ; SPCR: SPIE | SPE
    ${setup}
    ldi r16, ${smcr}
    out 0x33, r16   ; SMCR
    sei
  sleep:
    sleep
    inc r25         ; counts wake-ups
    rjmp sleep`,
});

export const SPI_2MHZ_MODE0 = { sckHz: 2_000_000, mode: 0, lsbFirst: false } as const;

/** Whether a Debian tool is present; under CI=true its absence fails the calling test. */
export function toolAvailable(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI === 'true') throw new Error(`${tool} is required under CI=true (apt package gcc-avr/avr-libc)`);
    console.warn(`skipping: ${tool} not installed`);
    return false;
  }
}

/** What fast-forward must not change: pin history with cycles, SPI bytes, counters, final state. */
export function observe(avr: ATmega168) {
  const portd: { cycle: number; value: number }[] = [];
  const bytes: unknown[] = [];
  avr.portD.addListener((value) => portd.push({ cycle: avr.cycles, value }));
  avr.spi.onByte((b) => bytes.push(b));
  return () => {
    const { fastForwardedCycles: _ff, pollLoopSkips: _skips, ...counters } = avr.stats;
    return {
      portd,
      bytes,
      relays: avr.relays.history,
      counters,
      cycles: avr.cycles,
      pc: avr.cpu.pc,
      registers: [...avr.cpu.data.subarray(0, 0x100)],
    };
  };
}

/** Runs the same script on a fast-forwarding MCU and on the cycle-by-cycle reference. */
export function bothWays(make: (opts: ATmega168Options) => ATmega168, script: (avr: ATmega168) => void) {
  const results = [true, false].map((fastForward) => {
    const avr = make({ fastForward });
    const summary = observe(avr);
    script(avr);
    return { avr, summary: summary() };
  });
  return { fast: results[0]!, reference: results[1]! };
}
