// The transport as Node's TLS server sees it, with a hold on what the server
// writes after its TLS 1.3 flight. OpenSSL sends its NewSessionTickets as soon
// as the client's Finished is in, before the broker can judge the client's
// certificate ('secure'); mosquitto refuses a bad certificate before that point,
// so its alert is the first record under the server's application key and no
// ticket is ever sent. Holding those writes until the judgement lets the broker
// do the same: release them for a good certificate, drop them for a bad one.
import { Duplex } from 'node:stream';
import { HeldWrites, type TlsWriteHold } from './held-writes.ts';

export class OutboundHold extends Duplex implements TlsWriteHold {
  private readonly writes: HeldWrites;

  constructor(private readonly transport: Duplex) {
    super();
    this.writes = new HeldWrites((chunk) => this.transport.write(chunk));
    transport.on('data', (chunk: Buffer) => {
      this.writes.clientSent();
      if (!this.push(chunk)) transport.pause();
    });
    transport.on('end', () => this.push(null));
    // A transport torn down without an end (reset, destroyed pair) must reach the TLS socket too.
    transport.on('close', () => this.destroy());
  }

  /** The layer over `transport`, as the hold and as the stream the TLS server runs on. */
  static layer(transport: Duplex): { hold: TlsWriteHold; transport: Duplex } {
    const hold = new OutboundHold(transport);
    return { hold, transport: hold };
  }

  holdAfterClientFlight(): void {
    this.writes.holdAfterClientFlight();
  }

  release(): void {
    this.writes.release();
  }

  seal(): void {
    this.writes.seal();
  }

  // The TLS socket pauses its input to slow a client down (AedesInflow): that must pause the
  // transport itself, so the client's bytes wait on its side as without this layer.
  override pause(): this {
    this.transport.pause();
    return super.pause();
  }

  override resume(): this {
    super.resume();
    this.transport.resume();
    return this;
  }

  override _read(): void {
    if (this.readableFlowing !== false) this.transport.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.transport.destroyed || this.writes.take(chunk)) return cb();
    // Transport errors are reported by the transport itself (Connection listens there).
    this.transport.write(chunk, () => cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (!this.transport.writableEnded) this.transport.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err: Error | null) => void): void {
    // An alert (or CONNACK) still on its way out leaves before the transport goes.
    if (this.transport.writableEnded && !this.transport.writableFinished) this.transport.once('finish', () => this.transport.destroy());
    else this.transport.destroy();
    cb(err);
  }
}
