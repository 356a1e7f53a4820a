// The ATmega168 of the node: avr8js CPU (16 KB flash, 1 KB SRAM), ports B/C/D,
// timers 0/1/2, USART0, 512 B EEPROM, watchdog, the SPI slave, the relay
// board on PORTD, and a run loop that fast-forwards sleep and polling loops.
// Reset (power-on, RESET pin, watchdog) follows datasheet 10.2: I/O registers
// return to their initial values, SRAM and EEPROM keep their contents.
import { AVREEPROM, AVRIOPort, AVRTimer, AVRUSART, CPU, EEPROMMemoryBackend } from 'avr8js';
import {
  DEFAULT_FREQUENCY,
  EEARH,
  EEPROM_BYTES,
  EEPROM_ERASE_MS,
  EEPROM_WRITE_MS,
  FLASH_BYTES,
  IO_RESET_VALUES,
  MCUSR,
  SRAM_BYTES,
  atmega168Config,
} from './atmega168-config.ts';
import type { AvrDebugHook } from './debug-hook.ts';
import { dropClockEvents, headClockEvent } from './cpu-internals.ts';
import { parseIntelHex } from './intel-hex.ts';
import { NODE_FUSES, SerialProgrammer, type FuseBytes } from './isp.ts';
import { RelayBoard } from './relay-board.ts';
import { RunLoop, type IdleStats } from './run-loop.ts';
import { SPISlave, type ClockByteOptions, type SPIStats } from './spi-slave.ts';
import { startupDelay } from './startup-delay.ts';
import { Watchdog, atmega168WatchdogConfig } from './watchdog.ts';

/** PinOverrideMode.None in avr8js's gpio.ts (the enum is not exported). */
const PIN_OVERRIDE_NONE = 0;

// MCUSR bits (10.9.1):
const MCUSR_PORF = 0x01; // Power-on Reset Flag
const MCUSR_EXTRF = 0x02; // External Reset Flag
const MCUSR_WDRF = 0x08; // Watchdog System Reset Flag
const EEARH_EEAR8 = 0x01; // the only implemented bit of EEARH on the 168 (8.6.1)

export type ResetSource = 'power-on' | 'external' | 'watchdog';

export interface ATmega168Options {
  /** Clock in Hz; default 8 MHz (internal RC). */
  frequency?: number;
  /** false runs sleep and polling loops cycle by cycle (the reference for fast-forward). Default true. */
  fastForward?: boolean;
  /** false starts executing right after a reset (specs that count cycles from the first instruction). Default true: the fuses' start-up delay. */
  startupDelay?: boolean;
  /** false decodes every instruction with avr8js's avrInstruction (the reference for the compiled blocks). Default true. */
  compiled?: boolean;
}

export interface ATmega168Stats extends SPIStats, IdleStats {
  resets: Record<ResetSource, number>;
}

export class ATmega168 {
  readonly frequency: number;
  readonly cpu = new CPU(new Uint16Array(FLASH_BYTES / 2), SRAM_BYTES);
  readonly portB = new AVRIOPort(this.cpu, atmega168Config.portB);
  readonly portC = new AVRIOPort(this.cpu, atmega168Config.portC);
  readonly portD = new AVRIOPort(this.cpu, atmega168Config.portD);
  readonly usart: AVRUSART;
  readonly spi: SPISlave;
  readonly watchdog: Watchdog;
  readonly relays: RelayBoard;
  /** EEPROM cells; they survive every reset. */
  readonly eepromMemory = new EEPROMMemoryBackend(EEPROM_BYTES);
  /** Fuse and lock bytes; non-volatile, changed only through serial programming. */
  readonly fuses: FuseBytes = { ...NODE_FUSES };
  /** Serial Downloading (28.8): owns SCK/MOSI/MISO while RESET is low. */
  readonly isp: SerialProgrammer;
  private readonly flashWriteListeners: ((wordAddress: number, words: number) => void)[] = [];
  private flashChanged = false;
  private timers!: [AVRTimer, AVRTimer, AVRTimer];
  private eepromBlock!: AVREEPROM;
  private readonly runLoop: RunLoop;
  private resetHeld = false;
  /** First cycle at which an instruction may run: the end of the start-up delay after a reset. */
  private runFromCycle = 0;
  private readonly delayAfterReset: boolean;
  private readonly resetCounts: Record<ResetSource, number> = { 'power-on': 0, external: 0, watchdog: 0 };

  constructor(opts: ATmega168Options = {}) {
    this.frequency = opts.frequency ?? DEFAULT_FREQUENCY;
    this.delayAfterReset = opts.startupDelay ?? true;
    if (!(this.frequency > 0)) throw new RangeError(`ATmega168: frequency ${opts.frequency} Hz is not positive`);
    const { cpu } = this;
    this.usart = new AVRUSART(cpu, atmega168Config.usart0, this.frequency);
    this.spi = new SPISlave(cpu, atmega168Config.spi, this.portB, this.frequency);
    this.watchdog = new Watchdog(cpu, atmega168WatchdogConfig, this.frequency);
    this.watchdog.onSystemReset = () => this.reset('watchdog', true);
    this.relays = new RelayBoard(cpu, this.portD);
    this.runLoop = new RunLoop(cpu, opts.fastForward ?? true, () => this.spi.readSideState, opts.compiled ?? true);
    this.isp = new SerialProgrammer({
      frequency: this.frequency,
      flashWords: FLASH_BYTES / 2,
      eeprom: this.eepromMemory.memory,
      fuses: this.fuses,
      readFlashWord: (w) => cpu.progMem[w]!,
      writeFlash: (w, words) => this.writeFlash(w, words),
    });
    this.cpu.progMem.fill(0xffff);
    this.reset('power-on');
  }

  get timer0(): AVRTimer {
    return this.timers[0];
  }
  get timer1(): AVRTimer {
    return this.timers[1];
  }
  get timer2(): AVRTimer {
    return this.timers[2];
  }
  get eeprom(): AVREEPROM {
    return this.eepromBlock;
  }

  get cycles(): number {
    return this.cpu.cycles;
  }

  get stats(): ATmega168Stats {
    return { ...this.spi.stats, ...this.runLoop.stats, resets: { ...this.resetCounts } };
  }

  /** Loads an Intel HEX image into flash and restarts from the reset vector. Throws HexError. */
  loadHex(text: string, fileName?: string): void {
    this.loadProgram(parseIntelHex(text, fileName));
  }

  /** Programs flash (unwritten words read 0xFFFF) and applies a power-on reset. */
  loadProgram(flash: Uint8Array): void {
    if (flash.length > FLASH_BYTES) throw new RangeError(`ATmega168: program of ${flash.length} bytes exceeds the ${FLASH_BYTES}-byte flash`);
    const bytes = new Uint8Array(FLASH_BYTES).fill(0xff);
    bytes.set(flash);
    this.writeFlash(0, new Uint16Array(bytes.buffer));
    this.reset('power-on');
  }

  /**
   * The one path by which flash changes (program load, serial programming): anything that
   * caches decoded flash subscribes with onFlashWrite. The polling-loop scan is redone
   * before the core next runs.
   */
  writeFlash(wordAddress: number, words: ArrayLike<number>): void {
    const { progMem } = this.cpu;
    if (!Number.isInteger(wordAddress) || wordAddress < 0 || wordAddress + words.length > progMem.length) {
      throw new RangeError(`ATmega168.writeFlash: words ${wordAddress}..${wordAddress + words.length - 1} outside the ${progMem.length}-word flash`);
    }
    for (let i = 0; i < words.length; i++) progMem[wordAddress + i] = words[i]! & 0xffff;
    this.flashChanged = true;
    for (const l of this.flashWriteListeners) l(wordAddress, words.length);
  }

  /** Called with (first word, word count) after every flash write. */
  onFlashWrite(listener: (wordAddress: number, words: number) => void): void {
    this.flashWriteListeners.push(listener);
  }

  /**
   * The SPI pins as an outside master clocks them: while RESET is low they belong to the
   * serial programming interface (28.8), otherwise to the SPI peripheral.
   */
  clockSpiByte(mosi: number, opts: ClockByteOptions): number {
    if (this.resetHeld) return this.isp.clockByte(mosi, { ...opts, atCycle: opts.atCycle ?? this.cpu.cycles });
    return this.spi.clockByte(mosi, opts);
  }

  /** External RESET pin: low holds the chip in reset, the rising edge starts it from address 0. */
  setResetPin(high: boolean): void {
    if (high === !this.resetHeld) return;
    this.resetHeld = !high;
    if (!high) {
      this.reset('external');
      this.isp.enter();
    } else {
      this.isp.leave();
      this.rescanIfFlashChanged();
      this.startDelay(); // the delay counts from the rising edge
    }
  }

  private startDelay(): void {
    this.runFromCycle = this.delayAfterReset ? this.cpu.cycles + this.startupDelay.cycles : 0;
  }

  /** 6 CK + 14 CK + 65 ms for the node's fuses (startup-delay.ts). */
  get startupDelay(): { cycles: number; text: string } {
    return startupDelay(this.fuses.low, this.frequency);
  }

  /** In the start-up delay after a reset: the clock runs, no instruction executes. */
  get startingUp(): boolean {
    return !this.resetHeld && this.cpu.cycles < this.runFromCycle;
  }

  private rescanIfFlashChanged(): void {
    if (!this.flashChanged) return;
    this.flashChanged = false;
    this.runLoop.rescan();
  }

  get inReset(): boolean {
    return this.resetHeld;
  }

  /** Executes until cycles >= targetCycle and returns the cycle reached. */
  runUntil(targetCycle: number, opts: { stopWhenIdle?: boolean } = {}): number {
    if (!Number.isFinite(targetCycle)) throw new RangeError(`ATmega168.runUntil: target cycle ${targetCycle} is not finite`);
    const { cpu } = this;
    if (this.resetHeld || targetCycle <= this.runFromCycle) {
      // Held in reset or starting up: the clock runs, nothing executes and no peripheral acts.
      if (cpu.cycles < targetCycle) cpu.cycles = targetCycle;
      return cpu.cycles;
    }
    if (cpu.cycles < this.runFromCycle) cpu.cycles = this.runFromCycle;
    this.runLoop.runUntil(targetCycle, opts.stopWhenIdle === true);
    return cpu.cycles;
  }

  /** Asleep with no wake-up interrupt, in a detected polling loop, held in reset or starting up. */
  isIdle(): boolean {
    return this.resetHeld || this.startingUp || this.runLoop.isIdle();
  }

  /** A debugger's breakpoints, single-step and watchpoints (debug-hook.ts); null: the fast path only. */
  set debugHook(hook: AvrDebugHook | null) {
    this.runLoop.debug = hook;
  }

  get debugHook(): AvrDebugHook | null {
    return this.runLoop.debug;
  }

  get sleeping(): boolean {
    return this.runLoop.sleeping;
  }

  /**
   * Cycle of the next scheduled clock event (SPI byte end, timer tick, watchdog time-out, ...).
   * An event already due but not yet processed (avr8js fires one per instruction) is reported
   * at the next cycle, the earliest at which running the AVR can process it.
   */
  nextEventCycle(): number | undefined {
    if (this.startingUp) return this.runFromCycle; // the first instruction
    const event = this.resetHeld ? null : headClockEvent(this.cpu);
    return event ? Math.max(event.cycles, this.cpu.cycles + 1) : undefined;
  }

  /**
   * Resets the MCU. `fromClockEvent` when called inside a clock-event callback
   * (the watchdog time-out), so the event queue stays consistent.
   */
  reset(source: ResetSource, fromClockEvent = false): void {
    const { cpu } = this;
    const relink = dropClockEvents(cpu, fromClockEvent);
    const mcusr = source === 'power-on' ? MCUSR_PORF : cpu.data[MCUSR]! | (source === 'external' ? MCUSR_EXTRF : MCUSR_WDRF);
    cpu.data.fill(0, 0x20, 0x100);
    cpu.data[MCUSR] = mcusr;
    for (const [addr, value] of IO_RESET_VALUES) cpu.data[addr] = value;
    this.rescanIfFlashChanged();
    cpu.reset(); // PC = 0, SP = RAMEND, no pending interrupts
    for (const port of [this.portB, this.portC, this.portD]) this.resetPort(port);
    this.timers = [
      new AVRTimer(cpu, atmega168Config.timer0),
      new AVRTimer(cpu, atmega168Config.timer1),
      new AVRTimer(cpu, atmega168Config.timer2),
    ];
    this.usart.reset();
    this.eepromBlock = new AVREEPROM(cpu, this.eepromMemory, {
      ...atmega168Config.eeprom,
      eraseCycles: Math.round((EEPROM_ERASE_MS / 1000) * this.frequency),
      writeCycles: Math.round((EEPROM_WRITE_MS / 1000) * this.frequency),
    });
    cpu.writeHooks[EEARH] = (value) => {
      cpu.data[EEARH] = value & EEARH_EEAR8;
      return true;
    };
    this.spi.reset();
    this.watchdog.reset();
    this.runLoop.reset();
    this.resetCounts[source]++;
    this.startDelay(); // power-on and watchdog: from now; external: again from the rising edge
    relink();
  }

  /** All pins tri-stated (DDR = PORT = 0) and released by the timers (13.2.1). */
  private resetPort(port: AVRIOPort): void {
    const { cpu } = this;
    const { DDR } = port.portConfig;
    for (let pin = 0; pin < 8; pin++) port.timerOverridePin(pin, PIN_OVERRIDE_NONE);
    port.externalClockListeners.fill(null);
    cpu.writeHooks[DDR]!(0, 0, DDR, 0xff);
  }
}
