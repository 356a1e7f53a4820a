// The transport as Node's TLS server sees it, with a hold on what the server
// writes after its TLS 1.3 flight. OpenSSL sends its NewSessionTickets as soon
// as the client's Finished is in, before the broker can judge the client's
// certificate ('secure'); mosquitto refuses a bad certificate before that point,
// so its alert is the first record under the server's application key and no
// ticket is ever sent. Holding those writes until the judgement lets the broker
// do the same: release them for a good certificate, drop them for a bad one.
import { Duplex } from 'node:stream';

export class OutboundHold extends Duplex {
  /** Hold from the next bytes the client sends (set once the server's own flight is out). */
  private armed = false;
  private held: Buffer[] | null = null;
  /** Everything the TLS server writes from now on goes nowhere (an alert of the broker's own went out instead). */
  private sealed = false;

  constructor(private readonly transport: Duplex) {
    super();
    transport.on('data', (chunk: Buffer) => {
      if (this.armed) {
        this.armed = false;
        this.held = [];
      }
      if (!this.push(chunk)) transport.pause();
    });
    transport.on('end', () => this.push(null));
    // A transport torn down without an end (reset, destroyed pair) must reach the TLS socket too.
    transport.on('close', () => this.destroy());
  }

  /** The server's TLS 1.3 flight is being written: hold its next writes, those that answer the client's flight. */
  holdAfterClientFlight(): void {
    if (!this.sealed && this.held === null) this.armed = true;
  }

  /** The client was accepted: what was held goes out, in order, and nothing more is held. */
  release(): void {
    this.armed = false;
    const held = this.held ?? [];
    this.held = null;
    for (const chunk of held) this.transport.write(chunk);
  }

  /** The client was refused: drop what was held and anything the TLS server writes later. */
  seal(): void {
    this.armed = false;
    this.held = null;
    this.sealed = true;
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
    if (this.sealed || this.transport.destroyed) return cb();
    if (this.held) {
      this.held.push(chunk);
      return cb();
    }
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
