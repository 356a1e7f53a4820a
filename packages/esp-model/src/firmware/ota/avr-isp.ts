// The ESP8266 as the ATmega168's in-system programmer, as the ESP8266AVRISP library of the
// Arduino core does it: GPIO4 holds the AVR's RESET low, the shared SPI bus (SS on GPIO16 stays
// high, so the relay firmware's SPI ignores the bytes) carries the four-byte serial programming
// instructions of the ATmega168 datasheet (28.8, Table 28-19). Both the MQTT update and the
// STK500 server program the AVR through this one class.
import type { Cpu } from '../../core/cpu.ts';
import { HIGH, INPUT, LOW, OUTPUT, PIN_AVR_RESET, type Gpio } from '../../core/gpio.ts';
import { MSBFIRST, SPI_MODE0, SPISettings, type SPIClass } from '../../core/spi.ts';

/** ESP8266AVRISP's AVRISP_SPI_FREQ: 300 kHz, well under the 8 MHz target's fosc/4. */
export const AVRISP_SPI = new SPISettings(300_000, MSBFIRST, SPI_MODE0);
/** 28.8.2 step 2: wait at least 20 ms after RESET goes low before Programming Enable. */
export const ISP_RESET_SETTLE_MS = 20;
/** How often Poll RDY/BSY is repeated while the part is busy, and when the wait gives up. */
export const ISP_READY_POLL_MS = 1;
export const ISP_READY_TIMEOUT_MS = 50;
/** Programming Enable attempts, each after a positive RESET pulse (28.8.2 step 3). */
export const ISP_ENABLE_TRIES = 3;
/** ATmega168: 64-word (128-byte) flash pages, 16 KB flash (Table 28-7). */
export const ATMEGA168_PAGE_BYTES = 128;
export const ATMEGA168_FLASH_BYTES = 16 * 1024;
export const ATMEGA168_SIGNATURE = [0x1e, 0x94, 0x06] as const;

export interface IspEnv {
  cpu: Cpu;
  gpio: Gpio;
  spi: SPIClass;
}

export interface AvrFuses {
  low: number;
  high: number;
  extended: number;
  lock: number;
}

export class AvrIsp {
  private inProgramming = false;

  constructor(private readonly env: IspEnv) {}

  get active(): boolean {
    return this.inProgramming;
  }

  /** RESET low, wait, Programming Enable until the 0x53 echo comes back. False when it never does. */
  async begin(): Promise<boolean> {
    const { gpio, cpu } = this.env;
    this.inProgramming = true;
    for (let attempt = 0; attempt < ISP_ENABLE_TRIES; attempt++) {
      if (attempt > 0) {
        // 28.8.2 step 3: no echo -> give RESET a positive pulse and try again.
        gpio.digitalWrite(PIN_AVR_RESET, HIGH);
        await cpu.delay(1);
      }
      gpio.digitalWrite(PIN_AVR_RESET, LOW);
      gpio.pinMode(PIN_AVR_RESET, OUTPUT);
      await cpu.delay(ISP_RESET_SETTLE_MS);
      if (this.transfer(0xac, 0x53, 0x00, 0x00)[2] === 0x53) return true;
    }
    return false;
  }

  /** RESET released: the board's pull-up takes it high and the AVR starts its (new) program. */
  end(): void {
    const { gpio } = this.env;
    gpio.digitalWrite(PIN_AVR_RESET, HIGH);
    gpio.pinMode(PIN_AVR_RESET, INPUT);
    this.inProgramming = false;
  }

  /** One instruction; returns MISO of all four bytes. */
  transfer(b1: number, b2: number, b3: number, b4: number): number[] {
    const { spi } = this.env;
    spi.beginTransaction(AVRISP_SPI);
    const miso = [b1, b2, b3, b4].map((b) => spi.transfer(b & 0xff));
    spi.endTransaction();
    return miso;
  }

  /** ESP8266AVRISP::spi_transaction: the byte shifted out with the fourth byte. */
  universal(b1: number, b2: number, b3: number, b4: number): number {
    return this.transfer(b1, b2, b3, b4)[3]!;
  }

  /** Poll RDY/BSY until the part is ready; false after ISP_READY_TIMEOUT_MS. */
  async waitReady(): Promise<boolean> {
    const deadline = this.env.cpu.millis() + ISP_READY_TIMEOUT_MS;
    for (;;) {
      if ((this.universal(0xf0, 0x00, 0x00, 0x00) & 0x01) === 0) return true;
      if (this.env.cpu.millis() >= deadline) return false;
      await this.env.cpu.delay(ISP_READY_POLL_MS);
    }
  }

  signature(): number[] {
    return [0, 1, 2].map((i) => this.universal(0x30, 0x00, i, 0x00));
  }

  fuses(): AvrFuses {
    return {
      low: this.universal(0x50, 0x00, 0x00, 0x00),
      high: this.universal(0x58, 0x08, 0x00, 0x00),
      extended: this.universal(0x50, 0x08, 0x00, 0x00),
      lock: this.universal(0x58, 0x00, 0x00, 0x00),
    };
  }

  async chipErase(): Promise<boolean> {
    this.universal(0xac, 0x80, 0x00, 0x00);
    return this.waitReady();
  }

  /** Loads one page (bytes from a page boundary) into the page buffer and writes it. */
  async writeFlashPage(byteAddress: number, data: Uint8Array): Promise<boolean> {
    const word0 = byteAddress >> 1;
    for (let i = 0; i < data.length; i += 2) {
      const w = word0 + (i >> 1);
      this.universal(0x40, (w >> 8) & 0xff, w & 0xff, data[i]!); // low byte first (28.8.2 step 4)
      this.universal(0x48, (w >> 8) & 0xff, w & 0xff, data[i + 1] ?? 0xff);
    }
    this.universal(0x4c, (word0 >> 8) & 0xff, word0 & 0xff, 0x00);
    return this.waitReady();
  }

  readFlash(byteAddress: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      const a = byteAddress + i;
      const w = a >> 1;
      out[i] = this.universal(a & 1 ? 0x28 : 0x20, (w >> 8) & 0xff, w & 0xff, 0x00);
    }
    return out;
  }

  readEeprom(address: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.universal(0xa0, ((address + i) >> 8) & 0xff, (address + i) & 0xff, 0x00);
    return out;
  }

  async writeEeprom(address: number, data: Uint8Array): Promise<boolean> {
    for (let i = 0; i < data.length; i++) {
      this.universal(0xc0, ((address + i) >> 8) & 0xff, (address + i) & 0xff, data[i]!);
      if (!(await this.waitReady())) return false;
    }
    return true;
  }
}
