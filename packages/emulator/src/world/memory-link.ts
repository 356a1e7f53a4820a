// An in-memory TCP connection for TLS: two net.Sockets, each with a handle of its own
// (Node's JSStream), wired to each other. A TLSSocket over a net.Socket that has a handle
// runs its TLS engine on that handle directly; over any other stream Node puts its
// JSStreamSocket (and, over a stream pair, two more streams) in between, JavaScript stream
// machinery on every record. Here a record written by one engine goes straight into the
// peer's engine, and the write completes as JSStreamSocket's would (once the peer has
// taken it, in the next check phase), so every byte keeps its order and timing.
//
// The ends are for TLS only: what arrives goes to the handle's stream listener (the TLS
// engine), never to the net.Socket's own readable side. The socket's own write() and end()
// stay raw TCP (a broker's alert of its own, a FIN), and its 'end' event says the peer's
// FIN arrived. destroy() is a reset: the peer is destroyed once the bytes sent before it
// have been handed over.
import net from 'node:net';
import { HeldWrites, type SelfHoldingTransport } from '@esphil/broker';

/** Node's JSStream (src/js_stream.cc): a StreamBase whose I/O is done by these JS callbacks. */
interface JSStreamHandle {
  readBuffer(chunk: Buffer): void;
  emitEOF(): void;
  finishWrite(req: object, status: number): void;
  finishShutdown(req: object, status: number): void;
  close: (cb: () => void) => void;
  isClosing: () => boolean;
  onreadstart: () => number;
  onreadstop: () => number;
  onwrite: (req: object, bufs: Buffer[]) => number;
  onshutdown: (req: object) => number;
}

type JSStreamClass = new () => JSStreamHandle;

const PENDING_DEPRECATION = '--pending-deprecation';

/**
 * Node's JSStream class, or null where process.binding() is gone or would warn: it is
 * deprecated (DEP0111) and warns under --pending-deprecation (then a stream pair serves).
 */
function jsStreamClass(): JSStreamClass | null {
  const binding = (process as { binding?: (name: string) => unknown }).binding;
  const pending =
    process.execArgv.includes(PENDING_DEPRECATION) ||
    (process.env.NODE_OPTIONS ?? '').split(/\s+/).includes(PENDING_DEPRECATION) ||
    process.env.NODE_PENDING_DEPRECATION === '1';
  if (typeof binding !== 'function' || pending) return null;
  try {
    const cls = (binding('js_stream') as { JSStream?: JSStreamClass }).JSStream;
    return typeof cls === 'function' ? cls : null;
  } catch {
    return null;
  }
}

const JSStream = jsStreamClass();

/** Whether LinkEnd.pair() works in this process. */
export const memoryLinkAvailable = JSStream !== null;

const FIN = Symbol('FIN');

/** Bytes (or the FIN) on their way to an end; `taken` runs once that end's engine has them. */
interface Segment {
  data: Buffer | typeof FIN;
  taken?: () => void;
}

export class LinkEnd extends net.Socket implements SelfHoldingTransport {
  private peer: LinkEnd | null = null;
  private readonly link: JSStreamHandle;
  /** The TLS engine wants bytes (its ReadStart); a paused reader leaves them here, in order. */
  private reading = false;
  private readonly inbox: Segment[] = [];
  private hold: HeldWrites | null = null;

  constructor(
    handle: JSStreamHandle,
    /** Called for every write and for the reset: real I/O the world waits on. */
    private readonly moved: () => void,
  ) {
    // As a stream pair's end: half-open allowed (the TLS socket over it takes this setting).
    super({ handle, manualStart: true, allowHalfOpen: true } as net.SocketConstructorOpts);
    this.link = handle;
    handle.close = (cb) => this.closeLink(cb);
    handle.isClosing = () => this.destroyed;
    handle.onreadstart = () => {
      this.reading = true;
      // Not from inside the TLS engine's ReadStart: the bytes arrive right after it returns.
      process.nextTick(() => this.flush());
      return 0;
    };
    handle.onreadstop = () => {
      this.reading = false;
      return 0;
    };
    handle.onwrite = (req, bufs) => {
      // Completed once the peer's engine has the bytes (a paused reader makes the writer wait,
      // as over TCP), in the next check phase as from Node's JSStreamSocket: the TLS engine
      // sends its next record only then, after everything the peer does with this one.
      const complete = (): void => process.nextTick(() => setImmediate(() => handle.finishWrite(req, 0)));
      // JSStream hands over copies of the engine's buffers: a hold may keep them as they are.
      const data = bufs.length === 1 ? bufs[0]! : Buffer.concat(bufs);
      if (this.hold?.take(data)) complete();
      else this.send(data, complete);
      return 0;
    };
    handle.onshutdown = (req) => {
      this.send(FIN);
      process.nextTick(() => handle.finishShutdown(req, 0));
      return 0;
    };
  }

  static pair(moved: () => void): [LinkEnd, LinkEnd] {
    if (!JSStream) throw new Error('in-memory link: process.binding("js_stream") is not available');
    const a = new LinkEnd(new JSStream(), moved);
    const b = new LinkEnd(new JSStream(), moved);
    a.peer = b;
    b.peer = a;
    return [a, b];
  }

  /** The broker's hold on what its TLS server writes here (held-writes.ts); the socket's own writes pass. */
  get tlsWriteHold(): HeldWrites {
    this.hold ??= new HeldWrites((chunk) => this.send(chunk));
    return this.hold;
  }

  /** Hands bytes to the peer at once (a reading peer takes them before this returns); the FIN after the ticks queued so far. */
  private send(data: Buffer | typeof FIN, taken?: () => void): void {
    this.moved();
    const peer = this.peer;
    if (!peer) taken?.();
    else if (data === FIN) process.nextTick(() => peer.receive({ data }));
    else peer.receive({ data, taken });
  }

  private receive(segment: Segment): void {
    if (this.destroyed) return segment.taken?.();
    this.inbox.push(segment);
    this.flush();
  }

  private flush(): void {
    while (this.reading && this.inbox.length && !this.destroyed) {
      const { data, taken } = this.inbox.shift()!;
      if (data === FIN) {
        this.link.emitEOF();
        this.emit('end');
      } else {
        this.hold?.clientSent();
        this.link.readBuffer(data);
      }
      taken?.();
    }
  }

  /** Raw writes on the connection itself, past the TLS engine. */
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.send(chunk);
    cb();
  }

  override _writev(chunks: { chunk: Buffer }[], cb: (err?: Error | null) => void): void {
    for (const { chunk } of chunks) this.send(chunk);
    cb();
  }

  /** end(): the FIN; finished once a reading peer has it. */
  override _final(cb: (err?: Error | null) => void): void {
    this.send(FIN);
    process.nextTick(() => cb());
  }

  /**
   * The handle closes (destroy(), or the TLS socket over it closing): the peer is reset after
   * the ticks queued so far, and this end's 'close' comes in the next check phase, as from
   * Node's JSStreamSocket.
   */
  private closeLink(cb: () => void): void {
    const peer = this.peer;
    this.peer = null;
    this.moved();
    // What the peer wrote and this end never read is dropped, as a reset drops it; its writes complete.
    for (const { taken } of this.inbox.splice(0)) taken?.();
    if (peer) {
      peer.peer = null;
      process.nextTick(() => peer.destroy());
    }
    setImmediate(cb);
  }
}
