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

// Fixed headers of the two packets that are only a header (MQTT 3.1.1, 3.12 and 3.13).
export const PINGREQ_HEADER = 0xc0;
const PINGRESP_HEADER = 0xd0;

/**
 * PINGREQ and PINGRESP as mqtt-packet's parser returns them, without running it: a quiet
 * session is nothing but these, one pair per keepalive.
 */
export function keepalivePacket(frame: Buffer): Packet | undefined {
  if (frame.length !== 2 || frame[1] !== 0) return undefined;
  const cmd = frame[0] === PINGREQ_HEADER ? 'pingreq' : frame[0] === PINGRESP_HEADER ? 'pingresp' : undefined;
  return cmd && ({ cmd, retain: false, qos: 0, dup: false, length: 0, topic: null, payload: null } as unknown as Packet);
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
    const keepalive = keepalivePacket(frame);
    if (keepalive) return keepalive;
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
    // Not kept past this call: an idle connection would otherwise hold its last (maybe 1 MB) packet.
    this.packet = undefined;
    this.error = undefined;
    if (error) throw new MqttDecodeError(type, error.message);
    if (!packet) throw new MqttDecodeError(type, 'incomplete packet');
    return packet;
  }
}
