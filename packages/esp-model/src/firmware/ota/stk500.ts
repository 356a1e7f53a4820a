// STK500 version 1 on a TCP client, as the ArduinoISP sketch and the ESP8266AVRISP library
// speak it to `avrdude -c arduino`: a command byte, its arguments, Sync_CRC_EOP; answered with
// STK_INSYNC, any data, STK_OK (or STK_NOSYNC when the framing is lost). Every memory access
// goes through AvrIsp, the same serial programming path as the MQTT update.
import type { Cpu } from '../../core/cpu.ts';
import type { AvrIsp } from './avr-isp.ts';

// STK500 protocol constants (Atmel AVR061, command.h).
export const STK_OK = 0x10;
export const STK_FAILED = 0x11;
export const STK_UNKNOWN = 0x12;
export const STK_INSYNC = 0x14;
export const STK_NOSYNC = 0x15;
export const CRC_EOP = 0x20; // Sync_CRC_EOP
export const STK_GET_SYNC = 0x30;
export const STK_GET_SIGN_ON = 0x31;
export const STK_SET_PARAMETER = 0x40;
export const STK_GET_PARAMETER = 0x41;
export const STK_SET_DEVICE = 0x42;
export const STK_SET_DEVICE_EXT = 0x45;
export const STK_ENTER_PROGMODE = 0x50;
export const STK_LEAVE_PROGMODE = 0x51;
export const STK_CHIP_ERASE = 0x52;
export const STK_LOAD_ADDRESS = 0x55;
export const STK_UNIVERSAL = 0x56;
export const STK_PROG_FLASH = 0x60;
export const STK_PROG_DATA = 0x61;
export const STK_PROG_PAGE = 0x64;
export const STK_READ_PAGE = 0x74;
export const STK_READ_SIGN = 0x75;
// Parameters (STK_GET_PARAMETER):
const Parm_STK_HW_VER = 0x80;
const Parm_STK_SW_MAJOR = 0x81;
const Parm_STK_SW_MINOR = 0x82;
const Parm_STK_PROGMODE = 0x93; // ArduinoISP answers 'S' (serial programmer)
/** ArduinoISP's HWVER / SWMAJ / SWMIN. */
const HW_VER = 2;
const SW_MAJOR = 1;
const SW_MINOR = 18;
/** STK_SET_DEVICE carries 20 parameter bytes; ArduinoISP reads 5 after STK_SET_DEVICE_EXT. */
const SET_DEVICE_BYTES = 20;
const SET_DEVICE_EXT_BYTES = 5;
/** ArduinoISP's buff[256]: the largest page it takes in one STK_PROG_PAGE. */
export const STK_BUFFER_BYTES = 256;
/** How long the programmer waits for the rest of a command before giving up on it. */
export const STK_BYTE_TIMEOUT_MS = 1000;

/** The TCP client as the sketch sees it (WiFiClient). */
export interface StkClient {
  available(): number;
  read(): number;
  write(bytes: number[]): void;
  connected(): boolean;
}

export class Stk500Programmer {
  /** Word address set by STK_LOAD_ADDRESS (flash) or byte address (EEPROM). */
  private address = 0;
  private pageBytes = 128;
  private errors = 0;

  constructor(
    private readonly cpu: Cpu,
    private readonly isp: AvrIsp,
    private readonly client: StkClient,
  ) {}

  get errorCount(): number {
    return this.errors;
  }

  /** Waits for `n` bytes; false when the client went away or was silent too long. */
  private async need(n: number): Promise<boolean> {
    const { cpu, client } = this;
    if (client.available() >= n) return true;
    await cpu.block(() => client.available() >= n || !client.connected(), cpu.nsAfterMillis(STK_BYTE_TIMEOUT_MS));
    return client.available() >= n;
  }

  private async take(n: number): Promise<number[] | null> {
    if (!(await this.need(n))) return null;
    return Array.from({ length: n }, () => this.client.read());
  }

  /** Answers one command if its bytes arrive; returns false when the client is gone or silent. */
  async serveOne(): Promise<boolean> {
    const head = await this.take(1);
    if (!head) return false;
    const cmd = head[0]!;
    switch (cmd) {
      case STK_GET_SYNC:
        return this.reply([]);
      case STK_GET_SIGN_ON:
        return this.reply([...Buffer.from('AVR ISP')]);
      case STK_GET_PARAMETER: {
        const p = await this.take(1);
        if (!p) return false;
        const value = { [Parm_STK_HW_VER]: HW_VER, [Parm_STK_SW_MAJOR]: SW_MAJOR, [Parm_STK_SW_MINOR]: SW_MINOR, [Parm_STK_PROGMODE]: 0x53 }[p[0]!] ?? 0;
        return this.reply([value]);
      }
      case STK_SET_PARAMETER: {
        if (!(await this.take(2))) return false;
        return this.reply([]);
      }
      case STK_SET_DEVICE: {
        const d = await this.take(SET_DEVICE_BYTES);
        if (!d) return false;
        // Bytes 12..13: pagesize, big-endian (AVR061 STK_SET_DEVICE).
        this.pageBytes = (d[12]! << 8) | d[13]!;
        return this.reply([]);
      }
      case STK_SET_DEVICE_EXT:
        if (!(await this.take(SET_DEVICE_EXT_BYTES))) return false;
        return this.reply([]);
      case STK_ENTER_PROGMODE:
        return this.reply(async () => ((await this.isp.begin()) ? [] : null));
      case STK_LEAVE_PROGMODE:
        return this.reply(() => {
          this.isp.end();
          return [];
        });
      case STK_CHIP_ERASE:
        return this.reply(async () => ((await this.isp.chipErase()) ? [] : null));
      case STK_LOAD_ADDRESS: {
        const a = await this.take(2);
        if (!a) return false;
        this.address = a[0]! | (a[1]! << 8); // little-endian
        return this.reply([]);
      }
      case STK_UNIVERSAL: {
        const u = await this.take(4);
        if (!u) return false;
        return this.reply(async () => {
          const out = this.isp.universal(u[0]!, u[1]!, u[2]!, u[3]!);
          // A write instruction (Chip Erase, fuse/lock write) leaves the part busy: wait like ArduinoISP.
          if (u[0] === 0xac) await this.isp.waitReady();
          return [out];
        });
      }
      case STK_PROG_PAGE:
        return this.progPage();
      case STK_READ_PAGE:
        return this.readPage();
      case STK_READ_SIGN:
        return this.reply(() => this.isp.signature());
      case STK_PROG_FLASH:
      case STK_PROG_DATA: {
        // Single-location writes: ArduinoISP acknowledges and ignores them (avrdude pages instead).
        if (!(await this.take(cmd === STK_PROG_FLASH ? 2 : 1))) return false;
        return this.reply([]);
      }
      case CRC_EOP:
        this.errors++;
        this.client.write([STK_NOSYNC]);
        return true;
      default: {
        // ArduinoISP: an unknown command followed by EOP is STK_UNKNOWN, otherwise out of sync.
        const e = await this.take(1);
        if (!e) return false;
        this.errors++;
        this.client.write([e[0] === CRC_EOP ? STK_UNKNOWN : STK_NOSYNC]);
        return true;
      }
    }
  }

  private async progPage(): Promise<boolean> {
    const h = await this.take(3);
    if (!h) return false;
    const length = (h[0]! << 8) | h[1]!;
    const memtype = String.fromCharCode(h[2]!);
    if (length > STK_BUFFER_BYTES) {
      this.errors++;
      this.client.write([STK_FAILED]);
      return true;
    }
    const data = await this.take(length);
    if (!data) return false;
    const bytes = Uint8Array.from(data);
    return this.reply(async () => {
      // STK_LOAD_ADDRESS counts words for both memories: ArduinoISP doubles it (here * 2) for flash and EEPROM alike.
      if (memtype === 'F') return (await this.writeFlash(this.address * 2, bytes)) ? [] : null;
      if (memtype === 'E') return (await this.isp.writeEeprom(this.address * 2, bytes)) ? [] : null;
      return null;
    });
  }

  /** ArduinoISP write_flash_pages: a block may span pages; each page is committed when left. */
  private async writeFlash(byteAddress: number, bytes: Uint8Array): Promise<boolean> {
    let i = 0;
    while (i < bytes.length) {
      const a = byteAddress + i;
      const n = Math.min(bytes.length - i, this.pageBytes - (a % this.pageBytes));
      if (!(await this.isp.writeFlashPage(a, bytes.subarray(i, i + n)))) return false;
      i += n;
    }
    return true;
  }

  private async readPage(): Promise<boolean> {
    const h = await this.take(3);
    if (!h) return false;
    const length = (h[0]! << 8) | h[1]!;
    const memtype = String.fromCharCode(h[2]!);
    return this.reply(() => {
      if (memtype === 'F') return [...this.isp.readFlash(this.address * 2, length)];
      if (memtype === 'E') return [...this.isp.readEeprom(this.address * 2, length)];
      return null;
    });
  }

  /**
   * Reads the command's Sync_CRC_EOP, then runs it and answers STK_INSYNC, data, STK_OK
   * (STK_FAILED when it yields null). Without the EOP: STK_NOSYNC and the command is not run.
   * False when the client is gone.
   */
  private async reply(data: number[] | (() => number[] | null | Promise<number[] | null>)): Promise<boolean> {
    const e = await this.take(1);
    if (!e) return false;
    if (e[0] !== CRC_EOP) {
      this.errors++;
      this.client.write([STK_NOSYNC]);
      return true;
    }
    const out = typeof data === 'function' ? await data() : data;
    this.client.write(out ? [STK_INSYNC, ...out, STK_OK] : [STK_INSYNC, STK_FAILED]);
    return true;
  }
}
