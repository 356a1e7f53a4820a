// Splits a byte stream into whole MQTT control packets (MQTT 3.1.1 §2.2: one
// fixed-header byte, then a 1-4 byte Remaining Length), keeping the exact wire
// bytes for the capture tap. Linear in the bytes received: a packet's chunks
// are kept as they arrive and joined once, when the packet is complete.
// Limits are judged from the header, before the body is buffered, as
// mosquitto does (read_handle.c / handle_publish.c).
export const MQTT_MAX_REMAINING_LENGTH = 268_435_455; // §2.2.3: four length bytes

export const PUBLISH = 3; // control packet type, §2.2.1
/** Fixed header byte plus at most four Remaining Length bytes. */
const MAX_FIXED_HEADER = 5;

/** A malformed or refused stream: what and where (byte offset of the packet in the stream). */
export class MqttFrameError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    /** 'malformed': the bytes are not MQTT framing; 'too-large': over max_packet_size. */
    readonly kind: 'malformed' | 'too-large',
  ) {
    super(message);
    this.name = 'MqttFrameError';
  }
}

/** A PUBLISH whose payload exceeded message_size_limit: read and discarded, never buffered. */
export interface DroppedPublish {
  topic: string;
  qos: number;
  /** Present for QoS 1 and 2: the broker still completes the QoS flow. */
  messageId?: number;
  payloadBytes: number;
  /** Stream offset of the packet. */
  offset: number;
}

export interface FramerLimits {
  /** mosquitto `max_packet_size`: a larger packet closes the connection (0 or absent: the MQTT maximum). */
  maxPacketSize?: number;
  /** mosquitto `message_size_limit`: a PUBLISH with a larger payload is dropped (0 or absent: no limit). */
  messageSizeLimit?: number;
  /** Called for each PUBLISH dropped by messageSizeLimit, in stream order with the returned frames. */
  onDropped?: (d: DroppedPublish) => void;
}

export class MqttFramer {
  /** The fixed header of the current packet, gathered byte by byte (it may span chunks). */
  private readonly head = Buffer.alloc(MAX_FIXED_HEADER);
  private headBytes = 0;
  /** The current packet's bytes after its fixed header, as received. */
  private parts: Buffer[] = [];
  private have = 0;
  /** Remaining Length of the current packet once known. */
  private bodyBytes: number | null = null;
  /** The current PUBLISH was measured against message_size_limit and kept. */
  private judged = false;
  /** Bytes still to discard of a dropped PUBLISH. */
  private skipping = 0;
  /** Stream offset of the current packet's first byte. */
  private offset = 0;

  constructor(private readonly limits: FramerLimits = {}) {}

  /** Appends `chunk`; returns every packet now complete. Throws MqttFrameError on a malformed length or a refused size. */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.skipping > 0) {
        const n = Math.min(this.skipping, chunk.length - at);
        this.skipping -= n;
        at += n;
        if (this.skipping === 0) this.nextPacket();
        continue;
      }
      if (this.bodyBytes === null) {
        this.head[this.headBytes++] = chunk[at++]!;
        const len = this.remainingLength();
        if (len === null) continue;
        this.checkPacketSize(this.headBytes + len);
        this.bodyBytes = len;
      } else {
        const take = chunk.subarray(at, at + this.bodyBytes - this.have);
        this.parts.push(take);
        this.have += take.length;
        at += take.length;
      }
      if (this.dropOversizedPublish()) continue;
      if (this.have < this.bodyBytes) continue;
      const head = Buffer.from(this.head.subarray(0, this.headBytes));
      frames.push(Buffer.concat([head, ...this.parts], this.headBytes + this.bodyBytes));
      this.nextPacket();
    }
    return frames;
  }

  private nextPacket(): void {
    this.offset += this.headBytes + this.bodyBytes!;
    this.headBytes = 0;
    this.parts = [];
    this.have = 0;
    this.bodyBytes = null;
    this.judged = false;
  }

  private checkPacketSize(total: number): void {
    const max = this.limits.maxPacketSize;
    if (max && total > max) {
      throw new MqttFrameError(`packet of ${total} bytes at stream offset ${this.offset} exceeds max_packet_size ${max}`, this.offset, 'too-large');
    }
  }

  /**
   * message_size_limit: once a PUBLISH's topic (and packet id) are in, its payload
   * length is known; a larger one is announced and its remaining bytes discarded.
   */
  private dropOversizedPublish(): boolean {
    const limit = this.limits.messageSizeLimit;
    const first = this.head[0]!;
    if (!limit || this.judged || first >> 4 !== PUBLISH || this.bodyBytes! <= limit) return false;
    const qos = (first >> 1) & 3;
    if (this.parts.length > 1) this.parts = [Buffer.concat(this.parts)]; // at most a topic's length: bounded
    const body = this.parts[0];
    if (!body || body.length < 2) return false;
    const topicLen = body.readUInt16BE(0);
    const varHeader = 2 + topicLen + (qos > 0 ? 2 : 0);
    if (body.length < varHeader) return false;
    const payloadBytes = this.bodyBytes! - varHeader;
    this.judged = true;
    if (payloadBytes <= limit) return false;
    const dropped: DroppedPublish = {
      topic: body.toString('utf8', 2, 2 + topicLen),
      qos,
      payloadBytes,
      offset: this.offset,
      ...(qos > 0 ? { messageId: body.readUInt16BE(2 + topicLen) } : {}),
    };
    this.skipping = this.bodyBytes! - this.have;
    this.parts = [];
    if (this.skipping === 0) this.nextPacket();
    this.limits.onDropped?.(dropped);
    return true;
  }

  private remainingLength(): number | null {
    let value = 0;
    for (let i = 1; i <= 4; i++) {
      if (this.headBytes <= i) return null;
      const b = this.head[i]!;
      value += (b & 0x7f) * 128 ** (i - 1);
      if ((b & 0x80) === 0) return value;
    }
    throw new MqttFrameError(`malformed Remaining Length at stream offset ${this.offset} (more than four bytes)`, this.offset, 'malformed');
  }
}
