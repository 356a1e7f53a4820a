import mqtt, { type Packet } from 'mqtt-packet';

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
    this.parser.parse(frame);
    const { packet, error } = this;
    if (error) throw error;
    if (!packet) throw new Error('incomplete packet');
    return packet;
  }
}
