// What the TLS server writes after its TLS 1.3 flight, held until the broker has judged the
// client's certificate (why: outbound-hold.ts). The rule alone, for any transport: a stream
// layer (OutboundHold) or an in-memory link end that applies it to its own handle's writes.

/** The broker's side of the hold: Connection arms, releases or seals it. */
export interface TlsWriteHold {
  /** The server's TLS 1.3 flight is being written: hold its next writes, those that answer the client's flight. */
  holdAfterClientFlight(): void;
  /** The client was accepted: what was held goes out, in order, and nothing more is held. */
  release(): void;
  /** The client was refused: drop what was held and anything the TLS server writes later. */
  seal(): void;
}

/** A transport that applies the hold to the TLS server's writes by itself; its own write() stays raw. */
export interface SelfHoldingTransport {
  readonly tlsWriteHold: TlsWriteHold;
}

export function isSelfHolding(stream: object): stream is SelfHoldingTransport {
  return 'tlsWriteHold' in stream;
}

export class HeldWrites implements TlsWriteHold {
  /** Hold from the next bytes the client sends (set once the server's own flight is out). */
  private armed = false;
  private held: Buffer[] | null = null;
  /** Everything the TLS server writes from now on goes nowhere (an alert of the broker's own went out instead). */
  private sealed = false;

  /** `send` writes released bytes on the raw transport. */
  constructor(private readonly send: (chunk: Buffer) => void) {}

  /** Bytes from the client were read. */
  clientSent(): void {
    if (this.armed) {
      this.armed = false;
      this.held = [];
    }
  }

  /** Whether a write of the TLS server is held or dropped here (true) or goes out now (false). */
  take(chunk: Buffer): boolean {
    if (this.sealed) return true;
    if (!this.held) return false;
    this.held.push(chunk);
    return true;
  }

  holdAfterClientFlight(): void {
    if (!this.sealed && this.held === null) this.armed = true;
  }

  release(): void {
    this.armed = false;
    const held = this.held ?? [];
    this.held = null;
    for (const chunk of held) this.send(chunk);
  }

  seal(): void {
    this.armed = false;
    this.held = null;
    this.sealed = true;
  }
}
