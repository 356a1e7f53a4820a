// Serial Downloading (datasheet 28.8): while RESET is held low the SPI pins
// (SCK, MOSI, MISO) no longer reach the SPI peripheral but the programming
// logic, which takes the four-byte instructions of Table 28-19. Flash, EEPROM,
// fuses and lock bits are non-volatile: they outlive every reset.
import type { ClockByteOptions } from './spi-slave.ts';

/** 28.3 Signature Bytes: Atmel, 16 KB flash, ATmega168. */
export const SIGNATURE = [0x1e, 0x94, 0x06] as const;
/** 28.4 Calibration Byte: the factory OSCCAL value the model reports for its 8 MHz RC. */
export const CALIBRATION_BYTE = 0x9a;
/** Table 28-7: ATmega168 flash pages are 64 words (PCWORD = PC[5:0]), 128 pages. */
export const FLASH_PAGE_WORDS = 64;
/** Table 28-8: EEPROM pages are 4 bytes (EEA[1:0]). */
export const EEPROM_PAGE_BYTES = 4;

/** Table 28-18: minimum wait before the next Flash/EEPROM location, after Chip Erase, after a fuse/lock write. */
export const T_WD_FLASH_MS = 4.5;
export const T_WD_EEPROM_MS = 3.6;
export const T_WD_ERASE_MS = 9.0;
export const T_WD_FUSE_MS = 4.5;

export interface FuseBytes {
  low: number;
  high: number;
  extended: number;
  lock: number;
}

/** The node's fuses (docs/architecture.md): internal 8 MHz RC, SPIEN programmed, no lock. */
export const NODE_FUSES: Readonly<FuseBytes> = { low: 0xe2, high: 0xdf, extended: 0xf9, lock: 0xff };

// Fuse and lock bits (Tables 28-1, 28-5): 0 = programmed.
const HFUSE_EESAVE = 0x08; // EEPROM memory preserved through Chip Erase
// Table 28-2: LB2:LB1 = 11 mode 1 (no lock), 10 mode 2 (further programming disabled),
// 00 mode 3 (programming and verification disabled).
const LOCK_LB1 = 0x01;
const LOCK_LB2 = 0x02;
/** Lock byte bits 7:6 are unused and read 1 (Table 28-1). */
const LOCK_UNUSED = 0xc0;
const BUSY_READ = 0xff; // what a read returns while the part is busy (the model's choice; see README)

/** Byte 1 of each Table 28-19 instruction (Programming Enable and the fuse/lock writes share 0xAC). */
const INS_PROGRAMMING_ENABLE = 0xac;
const INS_POLL_RDY_BSY = 0xf0;
const INS_LOAD_EXTENDED_ADDRESS = 0x4d;
const INS_LOAD_PAGE_HIGH = 0x48;
const INS_LOAD_PAGE_LOW = 0x40;
const INS_LOAD_EEPROM_PAGE = 0xc1;
const INS_READ_PROGRAM_HIGH = 0x28;
const INS_READ_PROGRAM_LOW = 0x20;
const INS_READ_EEPROM = 0xa0;
const INS_READ_LOCK = 0x58; // 58 00: lock bits; 58 08: fuse high byte
const INS_READ_SIGNATURE = 0x30;
const INS_READ_FUSE = 0x50; // 50 00: fuse low byte; 50 08: extended fuse byte
const INS_READ_CALIBRATION = 0x38;
const INS_WRITE_PROGRAM_PAGE = 0x4c;
const INS_WRITE_EEPROM = 0xc0;
const INS_WRITE_EEPROM_PAGE = 0xc2;
// Byte 2 after 0xAC:
const AC_ENABLE = 0x53;
const AC_CHIP_ERASE = 0x80;
const AC_WRITE_LOCK = 0xe0;
const AC_WRITE_FUSE_LOW = 0xa0;
const AC_WRITE_FUSE_HIGH = 0xa8;
const AC_WRITE_FUSE_EXTENDED = 0xa4;

/** What the chip needs from the MCU around it. */
export interface IspTarget {
  readonly frequency: number;
  readonly flashWords: number;
  readonly eeprom: Uint8Array;
  readonly fuses: FuseBytes;
  readFlashWord(wordAddress: number): number;
  /** The one path by which flash changes (caches of decoded code must follow it). */
  writeFlash(wordAddress: number, words: ArrayLike<number>): void;
}

export interface IspInstruction {
  /** Cycle at which the last byte completed. */
  cycle: number;
  bytes: [number, number, number, number];
  /** MISO during each of the four bytes. */
  miso: [number, number, number, number];
  name: string;
  /** Why the part did not act on it: not enabled, busy, locked, unknown. */
  ignored?: string;
}

export interface IspStats {
  instructions: number;
  ignored: number;
  lostWhileBusy: number;
  timingViolations: number;
}

export class SerialProgrammer {
  readonly stats: IspStats = { instructions: 0, ignored: 0, lostWhileBusy: 0, timingViolations: 0 };
  private active = false;
  private enabled = false;
  private frame: number[] = [];
  private frameMiso: number[] = [];
  /** Last byte shifted in: the shift register loops it back on MISO during the next byte. */
  private shift = 0;
  private busyUntil = 0;
  private readonly pageBuffer = new Uint16Array(FLASH_PAGE_WORDS).fill(0xffff);
  private readonly eepromBuffer = new Int16Array(EEPROM_PAGE_BYTES).fill(-1);
  private readonly listeners: ((i: IspInstruction) => void)[] = [];
  /** The instruction being executed, for the listeners. */
  private last: { name: string; ignored?: string } = { name: '' };

  constructor(private readonly target: IspTarget) {}

  onInstruction(listener: (i: IspInstruction) => void): void {
    this.listeners.push(listener);
  }

  /** RESET went low: the interface waits for Programming Enable, byte framing starts afresh. */
  enter(): void {
    this.active = true;
    this.enabled = false;
    this.frame = [];
    this.frameMiso = [];
    this.shift = 0;
    this.pageBuffer.fill(0xffff);
    this.eepromBuffer.fill(-1);
  }

  /** RESET released: programming mode ends (a write in progress still completes on the chip). */
  leave(): void {
    this.active = false;
    this.enabled = false;
  }

  get programmingEnabled(): boolean {
    return this.enabled;
  }

  /** True while a write or erase started at an earlier instruction has not finished at `cycle`. */
  busyAt(cycle: number): boolean {
    return cycle < this.busyUntil;
  }

  /** One byte clocked by the programmer; returns MISO. Bytes are taken in fours from RESET low. */
  clockByte(mosi: number, opts: ClockByteOptions & { atCycle: number }): number {
    if (!this.active) throw new Error('ISP: byte clocked while RESET is high (the SPI peripheral has the pins)');
    if (opts.sckHz > this.target.frequency / 4) {
      // 28.8: SCK high and low periods must each exceed 2 CPU cycles; the model keeps the byte and counts it.
      this.stats.timingViolations++;
    }
    const endCycle = opts.atCycle + Math.ceil((8 * this.target.frequency) / opts.sckHz);
    let miso = this.shift;
    this.frame.push(mosi);
    if (this.frame.length === 4) {
      const out = this.execute(this.frame as [number, number, number, number], endCycle);
      if (out !== undefined) miso = out;
    }
    this.frameMiso.push(miso);
    if (this.frame.length === 4) {
      this.emitLast(endCycle);
      this.frame = [];
      this.frameMiso = [];
    }
    this.shift = mosi;
    return miso;
  }

  private emitLast(cycle: number): void {
    const i: IspInstruction = {
      cycle,
      bytes: this.frame as [number, number, number, number],
      miso: this.frameMiso as [number, number, number, number],
      ...this.last,
    };
    for (const l of this.listeners) l(i);
  }

  /** Runs a complete instruction; returns the data byte shifted out during byte 4, if any. */
  private execute(b: [number, number, number, number], cycle: number): number | undefined {
    this.stats.instructions++;
    const [b1, b2, b3, b4] = b;
    const name = instructionName(b1, b2);
    this.last = { name };
    if (b1 === INS_PROGRAMMING_ENABLE && b2 === AC_ENABLE) {
      this.enabled = true;
      return undefined;
    }
    if (!this.enabled) return this.ignore('programming not enabled');
    if (b1 === INS_POLL_RDY_BSY) return this.busyAt(cycle) ? 0x01 : 0x00;
    const busy = this.busyAt(cycle);
    const { target } = this;
    const word = ((b2 << 8) | b3) % target.flashWords;
    const eeAddr = ((b2 << 8) | b3) % target.eeprom.length;
    const lock = target.fuses.lock;
    const noVerify = (lock & (LOCK_LB1 | LOCK_LB2)) === 0; // mode 3
    const noProgram = (lock & LOCK_LB1) === 0; // modes 2 and 3
    switch (b1) {
      case INS_READ_PROGRAM_LOW:
      case INS_READ_PROGRAM_HIGH:
        if (busy || noVerify) return this.readRefused(busy);
        return b1 === INS_READ_PROGRAM_HIGH ? target.readFlashWord(word) >> 8 : target.readFlashWord(word) & 0xff;
      case INS_READ_EEPROM:
        if (busy || noVerify) return this.readRefused(busy);
        return target.eeprom[eeAddr]!;
      case INS_READ_SIGNATURE:
        return (b3 & 0x03) < 3 ? SIGNATURE[b3 & 0x03] : 0xff;
      case INS_READ_CALIBRATION:
        return CALIBRATION_BYTE;
      case INS_READ_LOCK:
        if (b2 === 0x08) return target.fuses.high;
        return target.fuses.lock | LOCK_UNUSED;
      case INS_READ_FUSE:
        return b2 === 0x08 ? target.fuses.extended : target.fuses.low;
      case INS_LOAD_EXTENDED_ADDRESS:
        return this.ignore('no extended address on a 16 KB part');
    }
    if (busy) {
      // 28.8.2: the next instruction must wait tWD_x; on the chip an early write does not happen.
      this.stats.lostWhileBusy++;
      return this.ignore(`busy until cycle ${this.busyUntil}`);
    }
    switch (b1) {
      case INS_LOAD_PAGE_LOW:
      case INS_LOAD_PAGE_HIGH: {
        const i = b3 % FLASH_PAGE_WORDS;
        const old = this.pageBuffer[i]!;
        this.pageBuffer[i] = b1 === INS_LOAD_PAGE_HIGH ? (old & 0x00ff) | (b4 << 8) : (old & 0xff00) | b4;
        return undefined;
      }
      case INS_LOAD_EEPROM_PAGE:
        this.eepromBuffer[b3 % EEPROM_PAGE_BYTES] = b4;
        return undefined;
      case INS_WRITE_PROGRAM_PAGE: {
        if (noProgram) return this.ignore('lock bits: programming disabled');
        const page = word - (word % FLASH_PAGE_WORDS);
        // Serial page write does not erase: flash cells only go from 1 to 0 until Chip Erase.
        const words = Array.from(this.pageBuffer, (w, i) => w & target.readFlashWord(page + i));
        target.writeFlash(page, words);
        this.pageBuffer.fill(0xffff);
        this.startBusy(cycle, T_WD_FLASH_MS);
        return undefined;
      }
      case INS_WRITE_EEPROM:
        if (noProgram) return this.ignore('lock bits: programming disabled');
        target.eeprom[eeAddr] = b4; // 28.8.2: the location is erased automatically before the write
        this.startBusy(cycle, T_WD_EEPROM_MS);
        return undefined;
      case INS_WRITE_EEPROM_PAGE: {
        if (noProgram) return this.ignore('lock bits: programming disabled');
        const base = eeAddr - (eeAddr % EEPROM_PAGE_BYTES);
        this.eepromBuffer.forEach((v, i) => {
          if (v >= 0) target.eeprom[base + i] = v;
        });
        this.eepromBuffer.fill(-1);
        this.startBusy(cycle, T_WD_EEPROM_MS);
        return undefined;
      }
      case INS_PROGRAMMING_ENABLE:
        return this.executeAc(b2, b4, cycle, noProgram);
    }
    return this.ignore('not an instruction of Table 28-19');
  }

  private executeAc(b2: number, b4: number, cycle: number, fusesLocked: boolean): number | undefined {
    const { target } = this;
    const f = target.fuses;
    if (b2 === AC_CHIP_ERASE) {
      // 28.8.2: erases flash, EEPROM (unless EESAVE is programmed) and the lock bits; fuses stay.
      target.writeFlash(0, new Uint16Array(target.flashWords).fill(0xffff));
      if (f.high & HFUSE_EESAVE) target.eeprom.fill(0xff);
      f.lock = 0xff;
      this.startBusy(cycle, T_WD_ERASE_MS);
      return undefined;
    }
    if (b2 === AC_WRITE_LOCK) {
      // Lock bits can only be programmed (1 -> 0); only Chip Erase clears them.
      f.lock &= b4 | LOCK_UNUSED;
      this.startBusy(cycle, T_WD_FUSE_MS);
      return undefined;
    }
    const fuse = b2 === AC_WRITE_FUSE_LOW ? 'low' : b2 === AC_WRITE_FUSE_HIGH ? 'high' : b2 === AC_WRITE_FUSE_EXTENDED ? 'extended' : null;
    if (!fuse) return this.ignore('not an instruction of Table 28-19');
    // Table 28-2: in lock modes 2 and 3 the fuse bits are locked too.
    if (fusesLocked) return this.ignore('lock bits: fuses locked');
    f[fuse] = b4;
    this.startBusy(cycle, T_WD_FUSE_MS);
    return undefined;
  }

  private startBusy(cycle: number, ms: number): void {
    this.busyUntil = cycle + Math.round((ms / 1000) * this.target.frequency);
  }

  private readRefused(busy: boolean): number {
    this.ignore(busy ? `busy until cycle ${this.busyUntil}` : 'lock bits: verification disabled');
    return BUSY_READ;
  }

  private ignore(reason: string): undefined {
    this.stats.ignored++;
    this.last.ignored = reason;
    return undefined;
  }
}

/** Table 28-19 names, for traces and error messages. */
export function instructionName(b1: number, b2: number): string {
  switch (b1) {
    case INS_PROGRAMMING_ENABLE:
      return (
        { [AC_ENABLE]: 'Programming Enable', [AC_CHIP_ERASE]: 'Chip Erase', [AC_WRITE_LOCK]: 'Write Lock bits', [AC_WRITE_FUSE_LOW]: 'Write Fuse bits', [AC_WRITE_FUSE_HIGH]: 'Write Fuse High bits', [AC_WRITE_FUSE_EXTENDED]: 'Write Extended Fuse Bits' }[b2] ??
        `unknown 0xAC 0x${hex(b2)}`
      );
    case INS_POLL_RDY_BSY:
      return 'Poll RDY/BSY';
    case INS_LOAD_EXTENDED_ADDRESS:
      return 'Load Extended Address byte';
    case INS_LOAD_PAGE_HIGH:
      return 'Load Program Memory Page, High byte';
    case INS_LOAD_PAGE_LOW:
      return 'Load Program Memory Page, Low byte';
    case INS_LOAD_EEPROM_PAGE:
      return 'Load EEPROM Memory Page';
    case INS_READ_PROGRAM_HIGH:
      return 'Read Program Memory, High byte';
    case INS_READ_PROGRAM_LOW:
      return 'Read Program Memory, Low byte';
    case INS_READ_EEPROM:
      return 'Read EEPROM Memory';
    case INS_READ_LOCK:
      return b2 === 0x08 ? 'Read Fuse High bits' : 'Read Lock bits';
    case INS_READ_SIGNATURE:
      return 'Read Signature Byte';
    case INS_READ_FUSE:
      return b2 === 0x08 ? 'Read Extended Fuse Bits' : 'Read Fuse bits';
    case INS_READ_CALIBRATION:
      return 'Read Calibration Byte';
    case INS_WRITE_PROGRAM_PAGE:
      return 'Write Program Memory Page';
    case INS_WRITE_EEPROM:
      return 'Write EEPROM Memory';
    case INS_WRITE_EEPROM_PAGE:
      return 'Write EEPROM Memory Page';
  }
  return `unknown 0x${hex(b1)}`;
}

const hex = (b: number): string => b.toString(16).toUpperCase().padStart(2, '0');
