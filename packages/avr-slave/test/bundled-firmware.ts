// Drives the bundled relay firmware the way the emulator's SPI wire does:
// SS low, one byte from the first SCK edge, run past its end, SS high, then let
// the AVR finish with the byte.
import { readFileSync } from 'node:fs';
import { ATmega168, BUNDLED_HEX, type ATmega168Options, type ClockByteOptions } from '../src/index.ts';
import { SPI_2MHZ_MODE0 } from './helpers.ts';

export type Build = keyof typeof BUNDLED_HEX;

export function bootBundled(build: Build, opts?: ATmega168Options): ATmega168 {
  // Specs count cycles from the first instruction; startup-delay.spec.ts asks for the delay.
  const avr = new ATmega168({ startupDelay: false, ...opts });
  avr.loadHex(readFileSync(BUNDLED_HEX[build], 'utf8'), BUNDLED_HEX[build]);
  avr.runUntil(1_000);
  return avr;
}

/** One SS-low window with `bytes` back to back from `atCycle`; returns the MISO bytes. */
export function spiWindow(avr: ATmega168, atCycle: number, bytes: number[], spi: Omit<ClockByteOptions, 'atCycle'> = SPI_2MHZ_MODE0): number[] {
  const byteCycles = Math.ceil((8 * avr.frequency) / spi.sckHz);
  avr.runUntil(atCycle);
  avr.spi.setSS(false);
  const miso = bytes.map((b, i) => {
    const first = atCycle + i * byteCycles;
    avr.runUntil(first);
    return avr.spi.clockByte(b, { ...spi, atCycle: first });
  });
  avr.runUntil(atCycle + bytes.length * byteCycles);
  avr.spi.setSS(true);
  avr.runUntil(avr.cycles + 2_000, { stopWhenIdle: true });
  return miso;
}
