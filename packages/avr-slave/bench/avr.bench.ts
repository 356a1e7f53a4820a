// AVR benchmarks (`pnpm bench -- --json avr`):
//   avr.raw_mhz         avr8js's bare instruction loop on the busy firmware, no peripherals
//   avr.emulator_mhz    the same firmware on the full ATmega168 (hooks, marks, run loop)
//   avr.busy_ratio      emulator / raw; the idle machinery must not slow plain execution
//   avr.sleep_hour_ms   one virtual hour of the sleeping relay firmware, one byte a minute
//   avr.poll_hour_ms    the same with the build that polls SPIF
//   avr.erased_mhz      the v2 firmware cut after its first page (power lost during ISP), the rest
//                       erased flash it runs through and around, in 1 ms slices as the world drives it
//   avr.workload_mhz    the busy firmware's whole fixed workload (to its `cli; sleep`), best of SIMAVR_RUNS
//   avr.simavr_mhz      simavr (Debian) on the same image and cycle count, best of SIMAVR_RUNS whole runs
//   avr.vs_simavr       workload_mhz / simavr_mhz (skipped with a note when simavr is not installed)
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CPU, avrInstruction } from 'avr8js';
import { ATmega168, BENCH_BUSY_HEX, BUNDLED_HEX, FLASH_BYTES, FLASH_PAGE_WORDS, SRAM_BYTES, parseIntelHex } from '../src/index.ts';

const BUSY_CYCLES = 20_000_000;
const ROUNDS = 7;
const HOUR_CYCLES = 8_000_000 * 3600;
const MINUTE_CYCLES = 8_000_000 * 60;

const SIMAVR_RUNS = 3;

const emit = (name: string, value: number, unit: string, goal: string): void =>
  console.log(JSON.stringify({ name, value: Number(value.toFixed(3)), unit, goal }));

const busyFlash = parseIntelHex(readFileSync(BENCH_BUSY_HEX, 'utf8'), BENCH_BUSY_HEX);

function rawMHz(): number {
  const cpu = new CPU(new Uint16Array(FLASH_BYTES / 2), SRAM_BYTES);
  cpu.progBytes.set(busyFlash);
  const t0 = performance.now();
  while (cpu.cycles < BUSY_CYCLES) {
    avrInstruction(cpu);
    cpu.tick();
  }
  return cpu.cycles / (performance.now() - t0) / 1000;
}

function emulatorMHz(): number {
  const avr = new ATmega168();
  avr.loadProgram(busyFlash);
  const t0 = performance.now();
  avr.runUntil(BUSY_CYCLES);
  if (avr.stats.fastForwardedCycles !== 0) throw new Error('busy firmware was fast-forwarded: the benchmark would not measure execution');
  return avr.cycles / (performance.now() - t0) / 1000;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Alternate the two so both see the same machine load and JIT state.
const raw: number[] = [];
const emu: number[] = [];
rawMHz();
emulatorMHz();
for (let i = 0; i < ROUNDS; i++) {
  raw.push(rawMHz());
  emu.push(emulatorMHz());
}
const rawValue = median(raw);
const emuValue = median(emu);
emit('avr.raw_mhz', rawValue, 'MHz', '>= 8');
emit('avr.emulator_mhz', emuValue, 'MHz', '>= 8');
emit('avr.busy_ratio', emuValue / rawValue, 'ratio', '>= 0.85');

/** One virtual hour driven as the emulator does: a byte every minute at 2 MHz, mode 0. */
function hourMs(hexFile: string): number {
  const avr = new ATmega168();
  avr.loadHex(readFileSync(hexFile, 'utf8'), hexFile);
  const t0 = performance.now();
  let expectedMiso = 0xff;
  for (let minute = 1; minute <= 60; minute++) {
    const start = minute * MINUTE_CYCLES;
    const mosi = ~(1 << (minute % 8)) & 0xff;
    avr.runUntil(start);
    avr.spi.setSS(false);
    const miso = avr.spi.clockByte(mosi, { sckHz: 2_000_000, mode: 0, lsbFirst: false });
    avr.runUntil(start + 32);
    avr.spi.setSS(true);
    avr.runUntil(start + 8_000, { stopWhenIdle: true });
    if (miso !== expectedMiso || avr.cpu.data[0x2b] !== mosi) {
      throw new Error(`${hexFile}: minute ${minute}: MISO 0x${miso.toString(16)}, PORTD 0x${avr.cpu.data[0x2b]!.toString(16)}, expected 0x${expectedMiso.toString(16)} / 0x${mosi.toString(16)}`);
    }
    expectedMiso = mosi;
  }
  avr.runUntil(HOUR_CYCLES + MINUTE_CYCLES);
  return performance.now() - t0;
}

for (const [name, file, goal] of [
  ['avr.sleep_hour_ms', BUNDLED_HEX.sleep, '<= 50'],
  ['avr.poll_hour_ms', BUNDLED_HEX.poll, '<= 200'],
] as const) {
  hourMs(file);
  emit(name, median(Array.from({ length: ROUNDS }, () => hourMs(file))), 'ms', goal);
}

const ERASED_CYCLES = 8_000_000 * 2; // two virtual seconds, about what ota/power-loss-recovery runs half-written
const SLICE_CYCLES = 8_000; // 1 ms

function erasedMHz(): number {
  const flash = parseIntelHex(readFileSync(BUNDLED_HEX.v2, 'utf8'), BUNDLED_HEX.v2);
  flash.fill(0xff, FLASH_PAGE_WORDS * 2);
  const avr = new ATmega168();
  avr.loadProgram(flash);
  const t0 = performance.now();
  for (let target = SLICE_CYCLES; target <= ERASED_CYCLES; target += SLICE_CYCLES) avr.runUntil(target, { stopWhenIdle: true });
  if (avr.cycles < ERASED_CYCLES || avr.isIdle()) throw new Error('the half-written firmware idled: the benchmark would not measure erased flash');
  return avr.cycles / (performance.now() - t0) / 1000;
}

erasedMHz();
emit('avr.erased_mhz', median(Array.from({ length: ROUNDS }, erasedMHz)), 'MHz', '>= 1000');

/** The busy image run to its `cli; sleep`: its cycle count and our best rate over it. */
function workload(): { cycles: number; mhz: number } {
  let best = 0;
  let cycles = 0;
  for (let i = 0; i < SIMAVR_RUNS; i++) {
    // No start-up delay: simavr starts executing at cycle 0 too.
    const avr = new ATmega168({ startupDelay: false });
    avr.loadProgram(busyFlash);
    const t0 = performance.now();
    avr.runUntil(Number.MAX_SAFE_INTEGER, { stopWhenIdle: true });
    const ms = performance.now() - t0;
    if (!avr.sleeping) throw new Error('busy firmware did not reach its final sleep');
    cycles = avr.cycles;
    best = Math.max(best, cycles / ms / 1000);
  }
  return { cycles, mhz: best };
}

/** simavr's best rate over whole runs (process start to exit: it quits at `cli; sleep`), or undefined when absent. */
function simavrMHz(cycles: number): number | undefined {
  let best = 0;
  for (let i = 0; i < SIMAVR_RUNS; i++) {
    const t0 = performance.now();
    const res = spawnSync('simavr', ['-m', 'atmega168', '-f', '8000000', BENCH_BUSY_HEX], { encoding: 'utf8' });
    const ms = performance.now() - t0;
    if (res.error) {
      console.error(`avr.vs_simavr skipped: simavr not runnable (${res.error.message}); install Debian package simavr`);
      return undefined;
    }
    if (res.status !== 0) throw new Error(`simavr exited with ${res.status}: ${res.stderr}`);
    best = Math.max(best, cycles / ms / 1000);
  }
  return best;
}

const busy = workload();
emit('avr.workload_mhz', busy.mhz, 'MHz', '>= 8');
const simavr = simavrMHz(busy.cycles);
if (simavr !== undefined) {
  emit('avr.simavr_mhz', simavr, 'MHz', 'info');
  emit('avr.vs_simavr', busy.mhz / simavr, 'ratio', '>= 1.0');
}
