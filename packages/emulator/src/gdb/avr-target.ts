// The ATmega168 as avr-gdb sees it (gdb's avr-tdep.c): registers r0-r31,
// SREG (1 byte), SP (2 bytes), PC (4 bytes, a byte address), all
// little-endian; one address space with flash at 0, the data space
// (registers, I/O, SRAM) at 0x800000 and EEPROM at 0x810000, as avr-gcc
// links them. Reads here never go through the I/O read hooks (reading SPDR
// or SPSR from the debugger must not change the SPI's state); writes to I/O
// registers do go through the write hooks, as an OUT would, so `set` on PORTD
// moves the pins.
import { AVR_DATA_ORIGIN, AVR_EEPROM_ORIGIN, EEPROM_BYTES, FLASH_BYTES, SREG, type ATmega168, type CPU } from '@esphil/avr-slave';

export const REGISTER_COUNT = 35;
export const SREG_REGNUM = 32;
export const SP_REGNUM = 33;
export const PC_REGNUM = 34;
const SPL = 0x5d;
const SPH = 0x5e;
const IO_START = 0x20;
const IO_END = 0x100;

/** Bytes of each register in the `g` packet. */
export const registerSize = (n: number): number => (n < SP_REGNUM ? 1 : n === SP_REGNUM ? 2 : 4);

export class AvrTarget {
  constructor(private readonly avr: ATmega168) {}

  private get cpu(): CPU {
    return this.avr.cpu;
  }

  readRegister(n: number): number {
    const d = this.cpu.data;
    if (n < 32) return d[n]!;
    if (n === SREG_REGNUM) return d[SREG]!;
    if (n === SP_REGNUM) return d[SPL]! | (d[SPH]! << 8);
    return this.cpu.pc * 2;
  }

  writeRegister(n: number, value: number): void {
    const d = this.cpu.data;
    if (n < 32) d[n] = value & 0xff;
    else if (n === SREG_REGNUM) d[SREG] = value & 0xff;
    else if (n === SP_REGNUM) {
      d[SPL] = value & 0xff;
      d[SPH] = (value >> 8) & 0xff;
    } else this.cpu.pc = ((value & (FLASH_BYTES - 1)) >>> 1);
  }

  /** The bytes at a gdb address, or a reason why they cannot be read. */
  read(address: number, length: number): Uint8Array | string {
    const area = this.area(address, length);
    if (typeof area === 'string') return area;
    return area.bytes.slice(area.offset, area.offset + length);
  }

  /** Writes bytes at a gdb address; a reason when it cannot. */
  write(address: number, bytes: Uint8Array): string | undefined {
    const area = this.area(address, bytes.length);
    if (typeof area === 'string') return area;
    if (area.name === 'flash') return 'flash is not writable from the debugger (load firmware with --avr-elf or --avr-hex)';
    if (area.name === 'eeprom') {
      area.bytes.set(bytes, area.offset);
      return undefined;
    }
    const cpu = this.cpu;
    const writeData = (Object.getPrototypeOf(cpu) as CPU).writeData; // not the watchpoint wrapper: gdb's own write is no access by the program
    bytes.forEach((value, i) => {
      const addr = area.offset + i;
      if (addr >= IO_START && addr < IO_END) writeData.call(cpu, addr, value);
      else cpu.data[addr] = value;
    });
    return undefined;
  }

  private area(address: number, length: number): { name: 'flash' | 'data' | 'eeprom'; bytes: Uint8Array; offset: number } | string {
    const within = (name: 'flash' | 'data' | 'eeprom', origin: number, bytes: Uint8Array) => {
      const offset = address - origin;
      if (offset + length > bytes.length) return `${name} ends at 0x${(origin + bytes.length).toString(16)}`;
      return { name, bytes, offset };
    };
    if (address >= AVR_EEPROM_ORIGIN) return within('eeprom', AVR_EEPROM_ORIGIN, this.avr.eepromMemory.memory.subarray(0, EEPROM_BYTES));
    if (address >= AVR_DATA_ORIGIN) return within('data', AVR_DATA_ORIGIN, this.cpu.data);
    return within('flash', 0, this.cpu.progBytes);
  }
}
