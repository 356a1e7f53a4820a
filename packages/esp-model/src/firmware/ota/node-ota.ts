// What the sketch's loop(), reconnect() and callback() call for AVR updates: the STK500 server
// (ESP8266AVRISP) and the signed update over MQTT, both programming through one AvrIsp.
import type { Duplex } from 'node:stream';
import type { Cpu } from '../../core/cpu.ts';
import type { Gpio } from '../../core/gpio.ts';
import type { Heap } from '../../core/heap.ts';
import type { SPIClass } from '../../core/spi.ts';
import { AvrIsp } from './avr-isp.ts';
import { AvrIspServer } from './isp-server.ts';

/** After RESET rises the ATmega168 runs nothing for 6 CK + 14 CK + 65 ms (fuses 0xE2): wait that out, with margin. */
export const AVR_STARTUP_WAIT_MS = 70;

export interface NodeOtaEnv {
  cpu: Cpu;
  gpio: Gpio;
  spi: SPIClass;
  heap: Heap;
  /** Model-side happenings for the trace (never serial text: the original prints none). */
  event: (what: string, detail?: Record<string, unknown>) => void;
  /** The sketch's updateRelays(): sends the zones' bitmap to the AVR. */
  updateRelays: () => void;
}

export interface NodeOtaConfig {
  /** `esphil serve --isp-port`: accept STK500 v1 clients. */
  ispServer?: boolean;
}

export class NodeOta {
  readonly isp: AvrIsp;
  readonly server: AvrIspServer | null;

  constructor(
    private readonly env: NodeOtaEnv,
    cfg: NodeOtaConfig,
  ) {
    this.isp = new AvrIsp(env);
    this.server = cfg.ispServer ? new AvrIspServer(env.cpu, env.heap, this.isp, env.event, () => this.restoreRelays()) : null;
  }

  acceptIspClient(stream: Duplex): boolean {
    if (!this.server) return false;
    this.server.accept(stream);
    return true;
  }

  /** Called at the top of every loop() pass. */
  async loop(): Promise<void> {
    await this.server?.serve();
  }

  /** The new firmware starts with every relay off: once it runs, send it the zones again. */
  async restoreRelays(): Promise<void> {
    await this.env.cpu.delay(AVR_STARTUP_WAIT_MS);
    this.env.updateRelays();
  }
}
