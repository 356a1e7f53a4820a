// Splits a byte stream into whole MQTT control packets (MQTT 3.1.1 §2.2: one
// fixed-header byte, then a 1-4 byte Remaining Length), keeping the exact wire
// bytes for the capture tap. Linear in the bytes received: once the header
// gives a packet's length, one Buffer of exactly its size is allocated and each
// chunk is copied into it as it arrives, as mosquitto mallocs remaining_length
// once (packet_mosq.c, packet__read), so a chunk is garbage as soon as it has
// been read instead of living until the packet is whole. Limits are judged from
// the header, before the body is buffered, as mosquitto does (read_handle.c /
// handle_publish.c).
export const MQTT_MAX_REMAINING_LENGTH = 268_435_455; // §2.2.3: four length bytes

export const PUBLISH = 3; // control packet type, §2.2.1
/** Fixed header byte plus at most four Remaining Length bytes. */
const MAX_FIXED_HEADER = 5;
/**
 * Largest packet allocated whole from its header alone. A larger one (up to
 * max_packet_size) is gathered as it arrives and joined once when complete, so
 * a client that announces a huge packet and sends little holds only what it sent.
 */
export const PREALLOCATE_MAX_BYTES = 16 * 1024 * 1024;

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
  /** The current packet at its exact size, header included, filled as its bytes arrive. */
  private packet: Buffer | null = null;
  /**
   * Its bytes after the fixed header, as received, while there is no `packet` yet: a PUBLISH still
   * to be measured against message_size_limit, or a packet above PREALLOCATE_MAX_BYTES.
   */
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
        if (!this.toJudge()) this.preallocate();
      } else {
        const take = chunk.subarray(at, at + this.bodyBytes - this.have);
        if (this.packet) take.copy(this.packet, this.headBytes + this.have);
        else this.parts.push(take);
        this.have += take.length;
        at += take.length;
      }
      if (this.dropOversizedPublish()) continue;
      if (this.have < this.bodyBytes) continue;
      if (!this.packet) this.allocatePacket();
      frames.push(this.packet!);
      this.nextPacket();
    }
    return frames;
  }

  private nextPacket(): void {
    this.offset += this.headBytes + this.bodyBytes!;
    this.headBytes = 0;
    this.packet = null;
    this.parts = [];
    this.have = 0;
    this.bodyBytes = null;
    this.judged = false;
  }

  /** Allocates the current packet from its header alone when it is at most PREALLOCATE_MAX_BYTES. */
  private preallocate(): void {
    if (this.headBytes + this.bodyBytes! <= PREALLOCATE_MAX_BYTES) this.allocatePacket();
  }

  /** The current packet in one Buffer of its exact size: the header and whatever of the body is gathered so far. */
  private allocatePacket(): void {
    const packet = Buffer.allocUnsafe(this.headBytes + this.bodyBytes!);
    this.head.copy(packet, 0, 0, this.headBytes);
    let at = this.headBytes;
    for (const part of this.parts) at += part.copy(packet, at);
    this.parts = [];
    this.packet = packet;
  }

  /** A PUBLISH whose body exceeds message_size_limit and whose payload length is not known yet. */
  private toJudge(): boolean {
    const limit = this.limits.messageSizeLimit;
    return !!limit && !this.judged && this.head[0]! >> 4 === PUBLISH && this.bodyBytes! > limit;
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
    if (!this.toJudge()) return false;
    const limit = this.limits.messageSizeLimit!;
    const first = this.head[0]!;
    const qos = (first >> 1) & 3;
    if (this.parts.length > 1) this.parts = [Buffer.concat(this.parts)]; // at most a topic's length: bounded
    const body = this.parts[0];
    if (!body || body.length < 2) return false;
    const topicLen = body.readUInt16BE(0);
    const varHeader = 2 + topicLen + (qos > 0 ? 2 : 0);
    if (body.length < varHeader) return false;
    const payloadBytes = this.bodyBytes! - varHeader;
    this.judged = true;
    if (payloadBytes <= limit) {
      this.preallocate();
      return false;
    }
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
