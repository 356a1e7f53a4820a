// SPI – Serial Peripheral Interface of the ATmega168 (datasheet section 19),
// with the slave side that avr8js's AVRSPI lacks: an external master clocks
// bytes in through SS (PB2), SCK, MOSI and samples MISO (PB4).
import type { AVRIOPort, CPU, SPIConfig } from 'avr8js';
import type { AVRInterruptConfig } from './cpu-internals.ts';
import { DDRB, PB_MISO, PB_SS } from './atmega168-config.ts';

// Register bits:
const SPCR_SPIE = 0x80; // SPI Interrupt Enable
const SPCR_SPE = 0x40; // SPI Enable
const SPCR_DORD = 0x20; // Data Order (1: LSB first)
const SPCR_MSTR = 0x10; // Master/Slave Select
const SPCR_CPOL = 0x08; // Clock Polarity
const SPCR_CPHA = 0x04; // Clock Phase
const SPCR_SPR = 0x03; // SPI Clock Rate Select 1..0
const SPSR_SPIF = 0x80; // SPI Interrupt Flag
const SPSR_WCOL = 0x40; // Write COLlision Flag
const SPSR_SPI2X = 0x01; // Double SPI Speed Bit

const BITS_PER_BYTE = 8;
/** Table 19-5, indexed by SPI2X:SPR1:SPR0. */
const MASTER_DIVIDERS = [4, 16, 64, 128, 2, 8, 32, 64];

export type SPIMode = 0 | 1 | 2 | 3;

export interface ClockByteOptions {
  sckHz: number;
  /** CPOL << 1 | CPHA, as in Table 19-2. */
  mode: SPIMode;
  lsbFirst: boolean;
  /** Cycle of the first SCK edge; defaults to now. May lie in the past (the last instruction overshot it). */
  atCycle?: number;
}

export interface SPIByte {
  startCycle: number;
  endCycle: number;
  mosi: number;
  miso: number;
  /** The previous received byte had not been read from SPDR and is overwritten by this one (19.3). */
  lost: boolean;
  /** SCK above fosc/4 or a mode the slave is not set up for: the chip's result is undefined. */
  violation?: string;
  /** The byte as it lands in SPDR (bit-reversed when DORD differs from the master's order). */
  received?: number;
  /** SS went high, SPE was cleared or the MCU reset before the byte completed: nothing received (19.3.1). */
  aborted?: string;
  /** The slave did not take part (SS high, SPI disabled, master mode): MISO floats high. */
  ignored?: string;
}

export interface SPIStats {
  bytes: number;
  lostBytes: number;
  abortedBytes: number;
  ignoredBytes: number;
  timingViolations: number;
  modeMismatches: number;
  writeCollisions: number;
}

interface Transfer {
  startCycle: number;
  endCycle: number;
  periodCycles: number;
  mosi: number;
  miso: number;
  received: number;
  slaveLsbFirst: boolean;
  violation?: string;
}

export const reverseBits = (b: number): number => {
  let r = 0;
  for (let i = 0; i < BITS_PER_BYTE; i++) r |= ((b >> i) & 1) << (7 - i);
  return r;
};

export class SPISlave {
  readonly STC: AVRInterruptConfig;
  readonly stats: SPIStats = {
    bytes: 0,
    lostBytes: 0,
    abortedBytes: 0,
    ignoredBytes: 0,
    timingViolations: 0,
    modeMismatches: 0,
    writeCollisions: 0,
  };
  private readonly listeners: ((b: SPIByte) => void)[] = [];
  private shiftRegister = 0;
  private rxUnread = false;
  /** SPSR was read with SPIF or WCOL set: the next SPDR access clears them (19.5.2). */
  private clearArmed = false;
  private transfer: Transfer | null = null;
  private masterBusy = false;
  private ssHighValue = true;

  constructor(
    private readonly cpu: CPU,
    private readonly config: SPIConfig,
    private readonly portB: AVRIOPort,
    private readonly frequency: number,
  ) {
    const { SPCR, SPSR, SPDR } = config;
    this.STC = {
      address: config.spiInterrupt,
      flagRegister: SPSR,
      flagMask: SPSR_SPIF,
      enableRegister: SPCR,
      enableMask: SPCR_SPIE,
    };
    portB.setPin(PB_SS, true);

    cpu.writeHooks[SPCR] = (value) => {
      cpu.data[SPCR] = value;
      cpu.updateInterruptEnable(this.STC, value);
      if (this.transfer && (!(value & SPCR_SPE) || value & SPCR_MSTR)) this.abort('SPI disabled');
      return true;
    };
    cpu.readHooks[SPSR] = () => {
      const spsr = cpu.data[SPSR];
      if (spsr & (SPSR_SPIF | SPSR_WCOL)) this.clearArmed = true;
      return spsr;
    };
    cpu.writeHooks[SPSR] = (value) => {
      cpu.data[SPSR] = (cpu.data[SPSR] & (SPSR_SPIF | SPSR_WCOL)) | (value & SPSR_SPI2X);
      return true;
    };
    cpu.readHooks[SPDR] = () => {
      this.accessSPDR();
      this.rxUnread = false;
      return cpu.data[SPDR];
    };
    cpu.writeHooks[SPDR] = (value) => {
      if (this.transfer || this.masterBusy) {
        // 19.5.2: writing SPDR during a transfer sets WCOL; the byte being shifted is kept.
        cpu.data[SPSR] |= SPSR_WCOL;
        this.stats.writeCollisions++;
        return true;
      }
      this.accessSPDR();
      this.shiftRegister = value;
      const spcr = cpu.data[SPCR];
      if (spcr & SPCR_SPE && spcr & SPCR_MSTR) this.startMasterTransfer();
      return true;
    };
  }

  get ssHigh(): boolean {
    return this.ssHighValue;
  }

  /** True while an externally clocked byte is being shifted. */
  get busy(): boolean {
    return this.transfer !== null;
  }

  /** State that an SPSR or SPDR read can change, for the polling-loop detector. */
  get readSideState(): number {
    return (this.clearArmed ? 1 : 0) | (this.rxUnread ? 2 : 0);
  }

  onByte(listener: (b: SPIByte) => void): void {
    this.listeners.push(listener);
  }

  /** Drives the SS pin (PB2). SS high deselects the slave and aborts a byte in progress (19.3.1). */
  setSS(high: boolean): void {
    if (high === this.ssHighValue) return;
    this.ssHighValue = high;
    this.portB.setPin(PB_SS, high);
    this.completeIfEnded(this.cpu.cycles);
    if (high && this.transfer) this.abort('SS high');
    const { cpu, config } = this;
    const spcr = cpu.data[config.SPCR];
    if (!high && spcr & SPCR_SPE && spcr & SPCR_MSTR && !(cpu.data[DDRB] & (1 << PB_SS))) {
      // 19.3.2: SS as an input driven low in master mode makes the SPI a slave and sets SPIF.
      cpu.data[config.SPCR] = spcr & ~SPCR_MSTR;
      cpu.setInterruptFlag(this.STC);
    }
  }

  /**
   * The external master starts clocking one byte. Returns the MISO byte it samples:
   * the shift register at the first edge (what firmware wrote to SPDR, or the byte
   * received last), or 0xFF when the slave does not drive MISO.
   */
  clockByte(mosi: number, opts: ClockByteOptions): number {
    const { cpu, config, frequency } = this;
    if (!Number.isInteger(mosi) || mosi < 0 || mosi > 0xff) throw new RangeError(`SPI: MOSI byte ${mosi} is not 0..255`);
    if (!(opts.sckHz > 0) || !Number.isFinite(opts.sckHz)) throw new RangeError(`SPI: SCK frequency ${opts.sckHz} Hz is not a positive number`);
    if (![0, 1, 2, 3].includes(opts.mode)) throw new RangeError(`SPI: mode ${opts.mode} is not 0..3`);
    const startCycle = opts.atCycle ?? cpu.cycles;
    if (startCycle > cpu.cycles) {
      throw new RangeError(`SPI: byte at cycle ${startCycle} is ahead of the AVR (cycle ${cpu.cycles}); run it there first`);
    }
    this.completeIfEnded(startCycle);
    if (this.transfer) {
      throw new Error(
        `SPI: byte started at cycle ${startCycle} while the previous one runs until cycle ${this.transfer.endCycle} (pass atCycle for back-to-back bytes)`,
      );
    }
    const periodCycles = frequency / opts.sckHz;
    const endCycle = startCycle + Math.ceil(BITS_PER_BYTE * periodCycles);
    const spcr = cpu.data[config.SPCR];
    const notSlave = !(spcr & SPCR_SPE) ? 'SPCR.SPE = 0' : spcr & SPCR_MSTR ? 'SPCR.MSTR = 1' : this.ssHighValue ? 'SS high' : null;
    if (notSlave) {
      this.stats.ignoredBytes++;
      this.emit({ startCycle, endCycle, mosi, miso: 0xff, lost: false, ignored: notSlave });
      return 0xff;
    }
    const slaveLsbFirst = (spcr & SPCR_DORD) !== 0;
    const sameOrder = slaveLsbFirst === opts.lsbFirst;
    const misoDriven = (cpu.data[DDRB] & (1 << PB_MISO)) !== 0;
    const miso = !misoDriven ? 0xff : sameOrder ? this.shiftRegister : reverseBits(this.shiftRegister);
    const violations: string[] = [];
    if (opts.sckHz > frequency / 4) {
      // 19.3.2: in slave mode SCK high and low periods must each be longer than 2 CPU cycles.
      violations.push(`SCK ${opts.sckHz} Hz > fosc/4 (${frequency / 4} Hz)`);
      this.stats.timingViolations++;
    }
    const slaveMode = ((spcr & SPCR_CPOL ? 2 : 0) | (spcr & SPCR_CPHA ? 1 : 0)) as SPIMode;
    if (slaveMode !== opts.mode) {
      // Table 19-2: with CPOL or CPHA different the slave samples while the master changes MOSI.
      violations.push(`master uses SPI mode ${opts.mode}, SPCR selects mode ${slaveMode}`);
      this.stats.modeMismatches++;
    }
    this.transfer = {
      startCycle,
      endCycle,
      periodCycles,
      mosi,
      miso,
      received: sameOrder ? mosi : reverseBits(mosi),
      slaveLsbFirst,
      violation: violations.length ? violations.join('; ') : undefined,
    };
    cpu.addClockEvent(this.complete, endCycle - cpu.cycles);
    return miso;
  }

  /** MCU reset: the SPI logic returns to its initial state; a byte in flight is dropped. */
  reset(): void {
    if (this.transfer) this.abort('reset');
    this.shiftRegister = 0;
    this.rxUnread = false;
    this.clearArmed = false;
    this.masterBusy = false;
    this.cpu.clearClockEvent(this.masterComplete);
  }

  private readonly complete = (): void => {
    const t = this.transfer!;
    this.transfer = null;
    const { cpu, config } = this;
    const lost = this.rxUnread;
    if (lost) this.stats.lostBytes++;
    this.stats.bytes++;
    // Receive side is double buffered: the byte moves to SPDR, the shift register keeps it too (19.3).
    cpu.data[config.SPDR] = t.received;
    this.shiftRegister = t.received;
    this.rxUnread = true;
    this.clearArmed = false;
    cpu.setInterruptFlag(this.STC);
    this.emit({ startCycle: t.startCycle, endCycle: t.endCycle, mosi: t.mosi, miso: t.miso, lost, received: t.received, violation: t.violation });
  };

  /** A byte whose end has passed but whose clock event is still queued (CPU.tick() fires one per tick). */
  private completeIfEnded(cycle: number): void {
    if (!this.transfer || this.transfer.endCycle > cycle) return;
    this.cpu.clearClockEvent(this.complete);
    this.complete();
  }

  private abort(reason: string): void {
    const t = this.transfer!;
    this.transfer = null;
    this.cpu.clearClockEvent(this.complete);
    this.stats.abortedBytes++;
    // The bits shifted so far (one per elapsed SCK period) are in the shift register; the byte is lost.
    const n = Math.max(0, Math.min(7, Math.floor((this.cpu.cycles - t.startCycle) / t.periodCycles)));
    if (n > 0) {
      this.shiftRegister = t.slaveLsbFirst
        ? (this.shiftRegister >> n) | ((t.received << (8 - n)) & 0xff)
        : ((this.shiftRegister << n) | (t.received >> (8 - n))) & 0xff;
    }
    this.emit({ startCycle: t.startCycle, endCycle: t.endCycle, mosi: t.mosi, miso: t.miso, lost: false, aborted: reason, violation: t.violation });
  }

  private accessSPDR(): void {
    if (!this.clearArmed) return;
    this.clearArmed = false;
    this.cpu.data[this.config.SPSR] &= ~SPSR_WCOL;
    this.cpu.clearInterrupt(this.STC);
  }

  /** Master mode (MSTR = 1): nothing drives MISO in this node, so the byte read back is 0xFF. */
  private startMasterTransfer(): void {
    const { cpu, config } = this;
    const rate = ((cpu.data[config.SPSR] & SPSR_SPI2X) << 2) | (cpu.data[config.SPCR] & SPCR_SPR);
    this.masterBusy = true;
    cpu.addClockEvent(this.masterComplete, MASTER_DIVIDERS[rate]! * BITS_PER_BYTE);
  }

  private readonly masterComplete = (): void => {
    this.masterBusy = false;
    this.shiftRegister = 0xff;
    this.cpu.data[this.config.SPDR] = 0xff;
    this.rxUnread = true;
    this.cpu.setInterruptFlag(this.STC);
  };

  private emit(b: SPIByte): void {
    for (const l of this.listeners) l(b);
  }
}
