// Watchdog Timer of the ATmega168 (datasheet 10.8 "Watchdog Timer", safety
// level 1: WDTON unprogrammed). Replaces avr8js's AVRWatchdog because a
// watchdog system reset must go through the MCU's full reset (I/O registers
// back to their initial values), and because WDRF forces WDE (10.9.2).
import type { CPU } from 'avr8js';
import type { AVRInterruptConfig } from './cpu-internals.ts';

// Register bits:
const MCUSR_WDRF = 0x08; // Watchdog System Reset Flag
const WDTCSR_WDIF = 0x80; // Watchdog Interrupt Flag
const WDTCSR_WDIE = 0x40; // Watchdog Interrupt Enable
const WDTCSR_WDP3 = 0x20; // Watchdog Timer Prescaler 3
const WDTCSR_WDCE = 0x10; // Watchdog Change Enable
const WDTCSR_WDE = 0x08; // Watchdog System Reset Enable
const WDTCSR_WDP210 = 0x07; // Watchdog Timer Prescaler 2..0
const WDTCSR_PROTECTED = WDTCSR_WDE | WDTCSR_WDP3 | WDTCSR_WDP210;

/** The timed sequence window: WDE/WDP may change within four cycles of setting WDCE and WDE. */
const CHANGE_ENABLE_CYCLES = 4;
/** The watchdog runs from the separate 128 kHz oscillator (10.8). */
const WDT_OSCILLATOR_HZ = 128_000;

export interface WatchdogConfig {
  watchdogInterrupt: number;
  MCUSR: number;
  WDTCSR: number;
}

export const atmega168WatchdogConfig: WatchdogConfig = {
  watchdogInterrupt: 0x0c,
  MCUSR: 0x54,
  WDTCSR: 0x60,
};

export class Watchdog {
  /** Called when a time-out in System Reset Mode must reset the MCU (from inside a clock event). */
  onSystemReset: () => void = () => {};

  readonly WDT: AVRInterruptConfig;
  private changeEnabledUntil = -1;

  constructor(
    private readonly cpu: CPU,
    private readonly config: WatchdogConfig,
    private readonly frequency: number,
  ) {
    this.WDT = {
      address: config.watchdogInterrupt,
      flagRegister: config.WDTCSR,
      flagMask: WDTCSR_WDIF,
      enableRegister: config.WDTCSR,
      enableMask: WDTCSR_WDIE,
    };
    cpu.onWatchdogReset = () => this.restart();
    cpu.writeHooks[config.WDTCSR] = (value, oldValue) => {
      const { cycles } = cpu;
      let next: number;
      if (value & WDTCSR_WDCE && value & WDTCSR_WDE) {
        // First step of the timed sequence (10.9.2): the prescaler stays as it was.
        this.changeEnabledUntil = cycles + CHANGE_ENABLE_CYCLES;
        next = (value & WDTCSR_WDIE) | WDTCSR_WDCE | WDTCSR_WDE | (oldValue & (WDTCSR_WDP3 | WDTCSR_WDP210));
      } else if (cycles <= this.changeEnabledUntil) {
        next = value & ~(WDTCSR_WDCE | WDTCSR_WDIF);
        this.changeEnabledUntil = -1;
      } else {
        // Safety level 1: WDE can be set without the sequence, never cleared; WDP is locked.
        next = (value & ~(WDTCSR_PROTECTED | WDTCSR_WDCE | WDTCSR_WDIF)) | (oldValue & WDTCSR_PROTECTED) | (value & WDTCSR_WDE);
      }
      if (cpu.data[config.MCUSR] & MCUSR_WDRF) next |= WDTCSR_WDE; // WDE is overridden by WDRF
      next |= oldValue & WDTCSR_WDIF & ~value; // WDIF is cleared by writing a one
      cpu.data[config.WDTCSR] = next;
      cpu.clearInterruptByFlag(this.WDT, value);
      cpu.updateInterruptEnable(this.WDT, next);
      if ((next ^ oldValue) & (WDTCSR_PROTECTED | WDTCSR_WDIE)) this.restart();
      return true;
    };
  }

  /** Reset state: WDTCSR = 0 except WDE, which WDRF forces on after a watchdog reset. */
  reset(): void {
    const { cpu, config } = this;
    this.changeEnabledUntil = -1;
    cpu.data[config.WDTCSR] = cpu.data[config.MCUSR] & MCUSR_WDRF ? WDTCSR_WDE : 0;
    this.restart();
  }

  get enabled(): boolean {
    return (this.cpu.data[this.config.WDTCSR] & (WDTCSR_WDE | WDTCSR_WDIE)) !== 0;
  }

  /** Time-out in CPU cycles (Table 10-2: 2K..1024K cycles of the 128 kHz oscillator). */
  get timeoutCycles(): number {
    const wdtcsr = this.cpu.data[this.config.WDTCSR];
    const wdp = ((wdtcsr & WDTCSR_WDP3) >> 2) | (wdtcsr & WDTCSR_WDP210);
    return Math.round(((2048 << Math.min(wdp, 9)) * this.frequency) / WDT_OSCILLATOR_HZ);
  }

  /** WDR, or a configuration change: the counter starts again from zero. */
  private restart(): void {
    const { cpu } = this;
    cpu.clearClockEvent(this.timeout);
    if (!this.enabled) return;
    cpu.addClockEvent(this.timeout, this.timeoutCycles);
  }

  private readonly timeout = (): void => {
    const { cpu, config } = this;
    const wdtcsr = cpu.data[config.WDTCSR];
    if (wdtcsr & WDTCSR_WDIE) {
      // Interrupt Mode, or the first time-out of Interrupt and System Reset Mode (Table 10-1):
      // WDIE is cleared by hardware so that the next time-out resets.
      cpu.setInterruptFlag(this.WDT);
      if (wdtcsr & WDTCSR_WDE) cpu.data[config.WDTCSR] &= ~WDTCSR_WDIE;
    } else if (wdtcsr & WDTCSR_WDE) {
      cpu.data[config.MCUSR] |= MCUSR_WDRF;
      this.onSystemReset();
      return;
    }
    cpu.addClockEvent(this.timeout, this.timeoutCycles);
  };
}
