// One captured link-layer frame, as pcap.ts and pcapng.ts hand them to link.ts.

export interface CaptureFrame {
  /** 1-based, counting packet records only: Wireshark's frame number. */
  frame: number;
  /** Capture time, ns since the Unix epoch. */
  tNs: bigint;
  linkType: number;
  data: Buffer;
  /** File offset of data[0], for error messages. */
  offset: number;
  /** Length on the wire; > data.length when the capture was cut at the snap length. */
  origLen: number;
}

export interface FramesResult {
  frames: CaptureFrame[];
  /** Set when the file ended inside a record: what was cut, for the warning. */
  truncated?: { where: string; offset: number; detail: string };
  /** Non-fatal oddities of the container (unsupported interfaces, ...). */
  notes: { where: string; offset: number; detail: string }[];
}

/** Byte-order-aware reader over a file buffer. */
export class Reader {
  constructor(readonly buf: Buffer, public le: boolean) {}
  u16(o: number): number {
    return this.le ? this.buf.readUInt16LE(o) : this.buf.readUInt16BE(o);
  }
  u32(o: number): number {
    return this.le ? this.buf.readUInt32LE(o) : this.buf.readUInt32BE(o);
  }
  i64(o: number): bigint {
    return this.le ? this.buf.readBigInt64LE(o) : this.buf.readBigInt64BE(o);
  }
}
