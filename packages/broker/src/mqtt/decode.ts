import mqtt, { type Packet } from 'mqtt-packet';

/** A whole frame that is not a valid MQTT packet (mqtt-packet's reason), with its control packet type. */
export class MqttDecodeError extends Error {
  constructor(
    readonly packetType: number,
    reason: string,
  ) {
    super(`packet type ${packetType}: ${reason}`);
    this.name = 'MqttDecodeError';
  }
}

/** Decodes whole frames one at a time; one per direction and connection (a parser is costly to build). */
export class FrameDecoder {
  private readonly parser = mqtt.parser({ protocolVersion: 4 });
  private packet: Packet | undefined;
  private error: Error | undefined;

  constructor() {
    this.parser.on('packet', (p: Packet) => (this.packet = p));
    this.parser.on('error', (e: Error) => (this.error = e));
  }

  /** MQTT 5 adds properties to most packets; follows the client's CONNECT. */
  set protocolVersion(v: number) {
    (this.parser as unknown as { settings: { protocolVersion: number } }).settings.protocolVersion = v;
  }

  decode(frame: Buffer): Packet {
    this.packet = undefined;
    this.error = undefined;
    const type = (frame[0] ?? 0) >> 4;
    try {
      this.parser.parse(frame);
    } catch (e) {
      throw new MqttDecodeError(type, (e as Error).message);
    }
    const packet = this.packet as Packet | undefined;
    const error = this.error as Error | undefined; // set by the parser's events during parse()
    if (error) throw new MqttDecodeError(type, error.message);
    if (!packet) throw new MqttDecodeError(type, 'incomplete packet');
    return packet;
  }
}
