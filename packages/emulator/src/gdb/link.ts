// The world thread's end of the stub's socket (socket-relay.mjs runs the
// socket on its own thread). Messages are taken synchronously
// (receiveMessageOnPort), so the world can look for them between two events
// without yielding, and can block on them while the AVR is stopped.
import { realNow } from '../world/clock.ts';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

export type LinkMessage =
  | { type: 'listening'; port: number }
  | { type: 'connect'; peer: string }
  | { type: 'data'; bytes: Uint8Array }
  | { type: 'close' }
  | { type: 'closed' }
  | { type: 'error'; message: string };

/** How long the socket thread may take to start listening. */
const LISTEN_TIMEOUT_MS = 10_000;

export class GdbLink {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly counter = new Int32Array(new SharedArrayBuffer(4));
  private seen = 0;
  readonly listeningPort: number;

  /** Starts listening on host:port (0: a free port); throws when the port cannot be had. */
  constructor(host: string, port: number) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL('./socket-relay.mjs', import.meta.url), {
      workerData: { host, port, signal: this.counter.buffer, channel: port2 },
      transferList: [port2],
    });
    this.worker.unref();
    const first = this.next(LISTEN_TIMEOUT_MS);
    if (!first) throw new Error(`gdb stub: no answer from the socket thread within ${LISTEN_TIMEOUT_MS} ms`);
    if (first.type === 'error') {
      void this.worker.terminate();
      throw new Error(`gdb stub: cannot listen on ${host}:${port}: ${first.message}`);
    }
    if (first.type !== 'listening') throw new Error(`gdb stub: unexpected ${first.type} before listening`);
    this.listeningPort = first.port;
  }

  /** The next message; waits up to timeoutMs (Infinity: until one comes, 0: not at all). */
  next(timeoutMs: number): LinkMessage | undefined {
    const now = Atomics.load(this.counter, 0);
    if (now === this.seen && timeoutMs > 0) Atomics.wait(this.counter, 0, this.seen, timeoutMs);
    const m = receiveMessageOnPort(this.port);
    if (!m) return undefined;
    this.seen++;
    return m.message as LinkMessage;
  }

  send(bytes: Uint8Array): void {
    this.port.postMessage({ type: 'send', bytes });
  }

  /** Closes the debugger's connection (the listener stays). */
  drop(): void {
    this.port.postMessage({ type: 'drop' });
  }

  /** Stops listening; returns once the port is free again (or the socket thread took too long). */
  close(): void {
    this.port.postMessage({ type: 'stop' });
    const deadline = realNow() + LISTEN_TIMEOUT_MS; // Date is the world's virtual clock here
    for (let m = this.next(LISTEN_TIMEOUT_MS); m?.type !== 'closed' && realNow() < deadline; m = this.next(deadline - realNow()));
    this.port.close();
  }
}
