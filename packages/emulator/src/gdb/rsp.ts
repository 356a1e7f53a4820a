// GDB Remote Serial Protocol framing (gdb manual, "Overview" of Appendix E):
// a packet is `$payload#cc`, cc the modulo-256 sum of the payload as two hex
// digits; the receiver answers `+` (received) or `-` (send again). `}` escapes
// `$ # } *` as the byte XOR 0x20; `*` run-length encodes (gdb never sends it,
// a stub may). A lone 0x03 outside a packet is the interrupt (Ctrl-C).

export const INTERRUPT = 0x03;
const START = 0x24; // $
const END = 0x23; // #
const ESCAPE = 0x7d; // }
const ESCAPED = new Set([START, END, ESCAPE, 0x2a /* * */]);
/** A packet larger than this is not from gdb (its largest are M/X writes of PacketSize). */
export const MAX_PACKET = 16 * 1024;

export type RspInput =
  | { kind: 'packet'; payload: string }
  | { kind: 'interrupt' }
  | { kind: 'ack' }
  | { kind: 'nak' }
  /** A packet whose checksum did not match (it gets `-`), or that grew past MAX_PACKET. */
  | { kind: 'bad'; why: string };

/** Splits the byte stream from gdb into packets, acks and interrupts. */
export class RspReader {
  private state: 'idle' | 'payload' | 'escape' | 'sum1' | 'sum2' = 'idle';
  private payload: number[] = [];
  private sum = 0;
  private given = '';

  feed(bytes: Uint8Array): RspInput[] {
    const out: RspInput[] = [];
    for (const b of bytes) {
      switch (this.state) {
        case 'idle':
          if (b === START) this.begin();
          else if (b === INTERRUPT) out.push({ kind: 'interrupt' });
          else if (b === 0x2b /* + */) out.push({ kind: 'ack' });
          else if (b === 0x2d /* - */) out.push({ kind: 'nak' });
          break; // anything else between packets is line noise
        case 'payload':
          if (b === START) this.begin(); // a new packet restarts a broken one
          else if (b === END) this.state = 'sum1';
          else {
            this.sum = (this.sum + b) & 0xff;
            if (b === ESCAPE) this.state = 'escape';
            else this.push(b, out);
          }
          break;
        case 'escape':
          this.sum = (this.sum + b) & 0xff;
          this.state = 'payload';
          this.push(b ^ 0x20, out);
          break;
        case 'sum1':
          this.given = String.fromCharCode(b);
          this.state = 'sum2';
          break;
        case 'sum2': {
          this.given += String.fromCharCode(b);
          this.state = 'idle';
          const expected = this.sum.toString(16).padStart(2, '0');
          if (this.given.toLowerCase() === expected) out.push({ kind: 'packet', payload: Buffer.from(this.payload).toString('latin1') });
          else out.push({ kind: 'bad', why: `checksum ${JSON.stringify(this.given)} does not match the payload's ${expected}` });
          break;
        }
      }
    }
    return out;
  }

  private begin(): void {
    this.state = 'payload';
    this.payload = [];
    this.sum = 0;
  }

  private push(b: number, out: RspInput[]): void {
    if (this.payload.length >= MAX_PACKET) {
      this.state = 'idle';
      out.push({ kind: 'bad', why: `packet longer than ${MAX_PACKET} bytes` });
      return;
    }
    this.payload.push(b);
  }
}

/** Frames a reply: `$payload#cc`, escaping the bytes gdb treats specially. */
export function encodePacket(payload: string): Buffer {
  const body: number[] = [];
  for (const b of Buffer.from(payload, 'latin1')) {
    if (ESCAPED.has(b)) body.push(ESCAPE, b ^ 0x20);
    else body.push(b);
  }
  let sum = 0;
  for (const b of body) sum = (sum + b) & 0xff;
  return Buffer.concat([Buffer.from('$'), Buffer.from(body), Buffer.from(`#${sum.toString(16).padStart(2, '0')}`)]);
}

/** Bytes as the protocol's lowercase hex pairs. */
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Hex pairs to bytes; undefined when the text is not whole hex pairs. */
export function fromHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, 'hex'));
}

/** A little-endian value of `bytes` bytes as hex pairs (register values). */
export function leHex(value: number, bytes: number): string {
  let s = '';
  for (let i = 0; i < bytes; i++) s += ((value >>> (8 * i)) & 0xff).toString(16).padStart(2, '0');
  return s;
}
