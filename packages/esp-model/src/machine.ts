// One boot of the ESP8266: every piece of state that ESP.restart() throws away.
import type { EspOptions } from './contract.ts';
import { Cpu, RestartSignal } from './core/cpu.ts';
import { EspClass } from './core/esp.ts';
import { Gpio, type Level } from './core/gpio.ts';
import { ESP_FREE_HEAP_AT_BOOT, Heap } from './core/heap.ts';
import { HardwareSerial, type SerialLine } from './core/serial.ts';
import { SntpClient, SystemTime } from './core/sntp.ts';
import { SPIClass } from './core/spi.ts';
import { ESP8266WiFiClass } from './core/wifi.ts';
import { StackThunk } from './bearssl/stack-thunk.ts';
import { WiFiClientSecure } from './bearssl/wifi-client-secure.ts';
import { PubSubClient } from './pubsub/pubsub-client.ts';
import { IrrigationSketch, MQTT_CLIENT_ID } from './firmware/sketch.ts';
import { NodeOta } from './firmware/ota/node-ota.ts';
import type { FlashFs } from './core/flash-fs.ts';

/** Station MAC (Espressif OUI 5C:CF:7F), fixed so runs are reproducible. */
export const ESP_STATION_MAC = '5C:CF:7F:00:00:03';

export interface MachineHooks {
  activity: () => void;
  serial: (line: SerialLine) => void;
  gpio: (pin: number, level: Level, tNs: bigint) => void;
  restart: (reason: string) => void;
  fault: (err: Error) => void;
  /** Model-only happenings (no serial text on the real board), stamped with the CPU's time. */
  event: (e: EspEvent) => void;
}

export interface EspEvent {
  tNs: bigint;
  what: string;
  detail?: Record<string, unknown>;
}

export class Machine {
  readonly cpu: Cpu;
  readonly heap = new Heap(ESP_FREE_HEAP_AT_BOOT);
  readonly gpio: Gpio;
  readonly spi: SPIClass;
  readonly serial: HardwareSerial;
  readonly wifi: ESP8266WiFiClass;
  readonly time: SystemTime;
  readonly sntp: SntpClient;
  readonly thunk: StackThunk;
  readonly client: WiFiClientSecure;
  readonly pubsub: PubSubClient;
  readonly sketch: IrrigationSketch;
  /** AVR updates (STK500 server, signed MQTT update); null when the sketch is built without them. */
  readonly ota: NodeOta | null;

  constructor(
    opts: EspOptions,
    bootNs: bigint,
    millisAtBoot: bigint,
    external: Map<number, Level>,
    fs: FlashFs,
    private readonly hooks: MachineHooks,
  ) {
    this.cpu = new Cpu(opts.clock, bootNs, millisAtBoot, hooks.activity);
    this.gpio = new Gpio(this.cpu, external, hooks.gpio);
    this.spi = new SPIClass(this.cpu, opts.spi);
    this.serial = new HardwareSerial(this.cpu, hooks.serial);
    this.wifi = new ESP8266WiFiClass(this.cpu, opts.ap, ESP_STATION_MAC);
    this.time = new SystemTime(this.cpu);
    this.sntp = new SntpClient(this.cpu, opts.ntp, this.time, () => this.wifi.isConnected());
    this.thunk = new StackThunk(this.heap);
    // Sketch globals, constructed before setup() as C++ static objects are.
    this.client = new WiFiClientSecure({
      cpu: this.cpu,
      heap: this.heap,
      net: opts.net,
      wifi: this.wifi,
      time: this.time,
      thunk: this.thunk,
      cpuMhz: opts.sketch.cpuMhz,
      trace: (what, detail) => this.event(what, detail),
    });
    this.pubsub = new PubSubClient(this.cpu, this.client);
    // PubSubClient 2.8 mallocs its packet buffer in the constructor (setBufferSize).
    if (!this.heap.malloc(this.pubsub.getBufferSize(), 'PubSubClient buffer')) throw new Error('PubSubClient buffer: out of heap at boot');
    this.ota = opts.sketch.ispServer || opts.sketch.otaPublicKeyPem
      ? new NodeOta(
          {
            cpu: this.cpu,
            gpio: this.gpio,
            spi: this.spi,
            heap: this.heap,
            event: (what, detail) => this.event(what, detail),
            fs,
            pubsub: this.pubsub,
            clientId: MQTT_CLIENT_ID,
            updateRelays: () => this.sketch.updateRelays(),
            sendRelayByte: (value) => this.sketch.sendRelayByte(value),
            relayBitmap: () => this.sketch.zones.bitmap(),
          },
          { ispServer: opts.sketch.ispServer, otaPublicKeyPem: opts.sketch.otaPublicKeyPem },
        )
      : null;
    this.sketch = new IrrigationSketch(
      {
        cpu: this.cpu,
        gpio: this.gpio,
        spi: this.spi,
        serial: this.serial,
        wifi: this.wifi,
        time: this.time,
        sntp: this.sntp,
        client: this.client,
        pubsub: this.pubsub,
        esp: new EspClass(this.heap),
        trace: (what, detail) => this.event(what, detail),
        ota: this.ota,
      },
      opts.sketch,
    );
  }

  private event(what: string, detail?: Record<string, unknown>): void {
    this.hooks.event({ tNs: this.cpu.now(), what, ...(detail ? { detail } : {}) });
  }

  /** Arduino main(): setup() once, then loop() forever, parked between passes. */
  async run(): Promise<void> {
    this.cpu.markRunning();
    try {
      await this.sketch.setup();
      const wakeNs = (): bigint | null => this.sketch.idleWakeNs();
      for (;;) {
        await this.cpu.idle(wakeNs);
        await this.sketch.loop();
      }
    } catch (e) {
      if (this.cpu.isHalted) return;
      if (e instanceof RestartSignal) this.hooks.restart(e.reason);
      else this.hooks.fault(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** Power gone: sockets die, timers stop, pending waits never resume. */
  shutdown(): void {
    this.cpu.halt();
    this.client.stop();
  }
}
