// What the sketch's loop(), reconnect() and callback() call for AVR updates: the STK500 server
// (ESP8266AVRISP) and the signed update over MQTT, both programming through one AvrIsp.
import type { Duplex } from 'node:stream';
import type { Cpu } from '../../core/cpu.ts';
import type { Gpio } from '../../core/gpio.ts';
import type { Heap } from '../../core/heap.ts';
import type { SPIClass } from '../../core/spi.ts';
import type { FlashFs } from '../../core/flash-fs.ts';
import type { PubSubClient } from '../../pubsub/pubsub-client.ts';
import { AvrIsp } from './avr-isp.ts';
import { AvrIspServer } from './isp-server.ts';
import { MqttAvrUpdate } from './mqtt-update.ts';
import { TOPIC_OTA_FILTER, otaStatusTopic } from './ota-protocol.ts';

/** After RESET rises the ATmega168 runs nothing for 6 CK + 14 CK + 65 ms (fuses 0xE2): wait that out, with margin. */
export const AVR_STARTUP_WAIT_MS = 70;

export interface NodeOtaEnv {
  cpu: Cpu;
  gpio: Gpio;
  spi: SPIClass;
  heap: Heap;
  /** Model-side happenings for the trace (never serial text: the original prints none). */
  event: (what: string, detail?: Record<string, unknown>) => void;
  fs: FlashFs;
  pubsub: PubSubClient;
  clientId: string;
  /** The sketch's updateRelays() (the zones' bitmap to the AVR), one raw relay byte, the zones' bitmap. */
  updateRelays: () => void;
  sendRelayByte: (value: number) => void;
  relayBitmap: () => number;
}

export interface NodeOtaConfig {
  /** `esphil serve --isp-port`: accept STK500 v1 clients. */
  ispServer?: boolean;
  /** `node: ota: true`: the signed update over MQTT, checked with this public key (PEM). */
  otaPublicKeyPem?: string;
}

export class NodeOta {
  readonly isp: AvrIsp;
  readonly server: AvrIspServer | null;
  readonly update: MqttAvrUpdate | null;

  constructor(
    private readonly env: NodeOtaEnv,
    cfg: NodeOtaConfig,
  ) {
    this.isp = new AvrIsp(env);
    this.server = cfg.ispServer ? new AvrIspServer(env.cpu, env.heap, this.isp, env.event, () => this.restoreRelays()) : null;
    const status = otaStatusTopic(env.clientId);
    this.update = cfg.otaPublicKeyPem
      ? new MqttAvrUpdate(
          {
            ...env,
            isp: this.isp,
            status: (text) => env.pubsub.connected() && env.pubsub.publish(status, text),
            restoreRelays: () => this.restoreRelays(),
          },
          cfg.otaPublicKeyPem,
        )
      : null;
  }

  /** After the sketch's own subscriptions: the update topics. */
  onConnected(): void {
    if (this.update) this.env.pubsub.subscribe(TOPIC_OTA_FILTER);
  }

  /** PubSubClient callback: true when the message was an update message. */
  onMessage(topic: string, payload: Uint8Array): boolean {
    return this.update?.onMessage(topic, payload) ?? false;
  }

  acceptIspClient(stream: Duplex): boolean {
    if (!this.server) return false;
    this.server.accept(stream);
    return true;
  }

  /** Called at the top of every loop() pass. */
  async loop(): Promise<void> {
    await this.server?.serve();
    await this.update?.loop();
  }

  /** The new firmware starts with every relay off: once it runs, send it the zones again. */
  async restoreRelays(): Promise<void> {
    await this.env.cpu.delay(AVR_STARTUP_WAIT_MS);
    this.env.updateRelays();
  }
}
