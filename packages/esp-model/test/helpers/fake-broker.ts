// A scripted MQTT 3.1.1 broker for tests: parses what the node sends, answers as told.
import mqttPacket from 'mqtt-packet';
import type { Duplex } from 'node:stream';

export interface FakeBrokerOptions {
  connackCode?: number;
  silent?: boolean; // never answer CONNECT
  noPingResp?: boolean;
}

export class FakeBroker {
  readonly received: mqttPacket.Packet[] = [];
  private readonly parser = mqttPacket.parser({ protocolVersion: 4 });
  closed = false;

  constructor(
    private readonly send: (b: Buffer) => void,
    private readonly opts: FakeBrokerOptions = {},
  ) {
    this.parser.on('packet', (p) => this.onPacket(p));
    this.parser.on('error', (e) => {
      throw e;
    });
  }

  /** Bytes from the node. */
  feed(b: Buffer): void {
    this.parser.parse(b);
  }

  private onPacket(p: mqttPacket.Packet): void {
    this.received.push(p);
    if (p.cmd === 'connect' && !this.opts.silent) {
      this.sendPacket({ cmd: 'connack', returnCode: this.opts.connackCode ?? 0, sessionPresent: false });
    } else if (p.cmd === 'subscribe') {
      this.sendPacket({ cmd: 'suback', messageId: p.messageId!, granted: p.subscriptions.map((s) => s.qos) });
    } else if (p.cmd === 'pingreq' && !this.opts.noPingResp) {
      this.sendPacket({ cmd: 'pingresp' });
    }
  }

  sendPacket(p: mqttPacket.Packet): void {
    this.send(mqttPacket.generate(p));
  }

  sendRaw(b: Buffer | number[]): void {
    this.send(Buffer.from(b));
  }

  publish(topic: string, payload: string | Buffer, qos: 0 | 1 = 0, messageId?: number): void {
    this.sendPacket({ cmd: 'publish', topic, payload, qos, retain: false, dup: false, messageId });
  }

  count(cmd: mqttPacket.PacketCmd): number {
    return this.received.filter((p) => p.cmd === cmd).length;
  }

  /** Attach to a stream (raw or TLS) as the broker side. */
  static on(sock: Duplex, opts: FakeBrokerOptions = {}): FakeBroker {
    const b = new FakeBroker((buf) => sock.write(buf), opts);
    sock.on('data', (d: Buffer) => b.feed(d));
    sock.on('close', () => (b.closed = true));
    sock.on('end', () => (b.closed = true));
    sock.on('error', () => (b.closed = true));
    return b;
  }
}
