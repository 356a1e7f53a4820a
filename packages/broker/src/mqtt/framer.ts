// Splits a byte stream into whole MQTT control packets (MQTT 3.1.1 §2.2:
// one fixed-header byte, then a 1-4 byte Remaining Length), keeping the exact
// wire bytes for the capture tap.
export const MQTT_MAX_REMAINING_LENGTH = 268_435_455; // §2.2.3: four length bytes

export class MqttFramer {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes consumed so far, for error offsets. */
  private offset = 0;

  /** Appends `chunk`; returns every packet now complete. Throws on a malformed length. */
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Buffer[] = [];
    for (;;) {
      const len = this.remainingLength();
      if (len === null) break;
      const total = len.headerBytes + len.value;
      if (this.pending.length < total) break;
      frames.push(this.pending.subarray(0, total));
      this.pending = this.pending.subarray(total);
      this.offset += total;
    }
    return frames;
  }

  private remainingLength(): { value: number; headerBytes: number } | null {
    let value = 0;
    for (let i = 1; i <= 4; i++) {
      if (this.pending.length <= i) return null;
      const b = this.pending[i]!;
      value += (b & 0x7f) * 128 ** (i - 1);
      if ((b & 0x80) === 0) return { value, headerBytes: i + 1 };
    }
    throw new Error(`malformed Remaining Length at stream offset ${this.offset} (more than four bytes)`);
  }
}
