// An in-memory MqttTransport (no TLS) wired to a FakeBroker, for PubSubClient unit tests.
import type { Cpu } from '../../src/core/cpu.ts';
import type { MqttTransport } from '../../src/pubsub/client.ts';
import { FakeBroker, type FakeBrokerOptions } from './fake-broker.ts';
import { noteIo } from './io.ts';

export class MemoryTransport implements MqttTransport {
  broker: FakeBroker | null = null;
  refuse = false;
  private rx: number[] = [];
  private open = false;
  connects = 0;

  constructor(
    private readonly cpu: Cpu,
    private readonly brokerOpts: FakeBrokerOptions = {},
  ) {}

  async connect(): Promise<number> {
    this.connects++;
    if (this.refuse) return 0;
    this.open = true;
    this.rx = [];
    this.broker = new FakeBroker((b) => {
      // Broker bytes arrive on a later turn, as from a socket.
      setImmediate(() => {
        if (!this.open) return;
        this.rx.push(...b);
        noteIo();
        this.cpu.signal();
      });
    }, this.brokerOpts);
    return 1;
  }

  connected(): boolean {
    return this.rx.length > 0 || this.open;
  }

  available(): number {
    return this.rx.length;
  }

  read(): number {
    return this.rx.length ? this.rx.shift()! : -1;
  }

  write(data: Uint8Array): number {
    if (!this.open) return 0;
    this.broker!.feed(Buffer.from(data));
    return data.length;
  }

  stop(): void {
    this.open = false;
    this.rx = [];
  }

  /** The broker closes the TCP connection. */
  peerClose(): void {
    this.open = false;
    this.cpu.signal();
  }
}
