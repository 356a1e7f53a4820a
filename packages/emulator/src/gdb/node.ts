// What the stub needs of the world around the AVR: read-only views that do
// not run anything (the world is stopped while they are asked).
import type { ATmega168 } from '@esphil/avr-slave';

export interface DebuggedNode {
  readonly avr: ATmega168;
  /** World (virtual) time, ns. */
  nowNs(): bigint;
  /** Virtual time of an AVR cycle, ns. */
  avrNs(cycle: number): bigint;
  /** The last SPI transaction the ESP clocked, if any. */
  lastSpi(): { mosi: number[]; miso: number[]; tNs: bigint } | null;
}
