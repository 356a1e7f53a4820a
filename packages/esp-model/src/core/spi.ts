// ESP8266 Arduino SPI master (HSPI): SPISettings / beginTransaction / transfer.
import type { BitOrder, SpiBus, SpiMode } from '../contract.ts';
import type { Cpu } from './cpu.ts';

export const SPI_MODE0: SpiMode = 0;
export const SPI_MODE1: SpiMode = 1;
export const SPI_MODE2: SpiMode = 2;
export const SPI_MODE3: SpiMode = 3;
export const MSBFIRST: BitOrder = 'MSBFIRST';
export const LSBFIRST: BitOrder = 'LSBFIRST';

/** The SPI clock is divided down from the 80 MHz APB clock. */
const SPI_APB_HZ = 80_000_000;
/**
 * SPIClass::transfer loads SPI1W0, sets the length and the SPIBUSY bit before the
 * first clock: about 1 µs of register writes at 80 MHz (an estimate; SS-to-first-edge
 * is never zero on the board, and logic analyzers need that gap to frame the byte).
 */
export const SPI_TRANSFER_SETUP_NS = 1_000n;

export class SPISettings {
  constructor(
    readonly clock: number = 1_000_000,
    readonly bitOrder: BitOrder = MSBFIRST,
    readonly dataMode: SpiMode = SPI_MODE0,
  ) {
    if (!(clock > 0)) throw new RangeError(`SPISettings: clock must be > 0 Hz, got ${clock}`);
  }
}

/** Highest clock the APB divider can make that does not exceed the request (SPIClass::setFrequency). */
export function spiActualClock(requestHz: number): number {
  if (requestHz >= SPI_APB_HZ) return SPI_APB_HZ;
  return SPI_APB_HZ / Math.ceil(SPI_APB_HZ / requestHz);
}

export class SPIClass {
  private begun = false;
  // SPI.begin() defaults: 1 MHz, MSB first, mode 0 (ESP8266 SPI.cpp).
  private settings = new SPISettings(1_000_000, MSBFIRST, SPI_MODE0);

  constructor(
    private readonly cpu: Cpu,
    private readonly bus: SpiBus,
  ) {}

  begin(): void {
    this.begun = true;
  }

  end(): void {
    this.begun = false;
  }

  beginTransaction(s: SPISettings): void {
    this.settings = s;
  }

  endTransaction(): void {}

  transfer(data: number): number {
    if (!this.begun) throw new Error('SPI.transfer() called before SPI.begin()');
    if (!Number.isInteger(data) || data < 0 || data > 0xff) {
      throw new RangeError(`SPI.transfer: byte out of range 0..255: ${data}`);
    }
    const clockHz = spiActualClock(this.settings.clock);
    this.cpu.advance(SPI_TRANSFER_SETUP_NS);
    const startNs = this.cpu.now();
    const miso = this.bus.transfer(data, {
      startNs,
      clockHz,
      mode: this.settings.dataMode,
      bitOrder: this.settings.bitOrder,
    });
    // The CPU waits for the 8 clocks to finish (SPI1CMD busy bit) before returning.
    this.cpu.advance(BigInt(Math.round((8 * 1e9) / clockHz)));
    return miso & 0xff;
  }
}
