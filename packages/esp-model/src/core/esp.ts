// The ESP global of the Arduino core (Esp.h): the calls the sketch makes on the chip itself.
import { RestartSignal } from './cpu.ts';
import type { Heap } from './heap.ts';

export class EspClass {
  constructor(private readonly heap: Heap) {}

  /** ESP.restart(): never returns; the board reboots into setup(). */
  restart(reason = 'ESP.restart()'): never {
    throw new RestartSignal(reason);
  }

  getFreeHeap(): number {
    return this.heap.getFreeHeap();
  }
}
