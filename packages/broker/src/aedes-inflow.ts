// Backpressure from aedes to one client's socket. aedes reads all that its input
// stream holds on every 'readable' event and handles those packets concurrently
// (aedes lib/client.js, nextBatch and enqueue), so the stream's highWaterMark does
// not bound what it takes in: while one step is slow (an authorizer, a subscriber
// it waits on to drain) a fast publisher piles packets up inside the broker.
// mosquitto reads a packet, handles it, then reads the next (read_handle.c), so a
// flood waits in the client's send buffer and TCP window. This keeps aedes close
// to that: it counts the bytes of the packets aedes holds until aedes reports each
// one handled, and while more would exceed AEDES_INFLIGHT_BYTES it stops reading
// the client.
import type { Client } from 'aedes';

/**
 * Bytes of packets one connection may have inside aedes at once (at least one
 * packet always goes in). Many small packets still pipeline (a QoS 1 burst keeps
 * aedes busy); a large PUBLISH goes in alone.
 */
export const AEDES_INFLIGHT_BYTES = 64 * 1024;

/** What the inflow pauses: the client's decrypted byte stream. */
export interface PausableSource {
  pause(): void;
  resume(): void;
}

export class AedesInflow {
  /** Whole packets read from the client, not yet given to aedes, and actions waiting their turn (after()). */
  private waiting: (Buffer | (() => void))[] = [];
  /** Sizes of the packets inside aedes, oldest first (aedes mostly finishes them in order). */
  private inside: number[] = [];
  private insideBytes = 0;
  private stopped = false;

  constructor(
    private readonly deliver: (raw: Buffer) => void,
    private readonly source: PausableSource,
    private readonly limitBytes = AEDES_INFLIGHT_BYTES,
  ) {}

  /** A whole packet from the client. */
  give(raw: Buffer): void {
    this.waiting.push(raw);
    this.pump();
  }

  /**
   * Runs `action` once every packet given before it has been handled: mosquitto
   * handles a client's packets one after another, so a CONNECT is answered
   * before a bad packet right behind it closes the connection.
   */
  after(action: () => void): void {
    this.waiting.push(action);
    this.pump();
  }

  /** aedes has handled one packet. */
  handled(): void {
    const n = this.inside.shift();
    if (n === undefined) return;
    this.insideBytes -= n;
    this.pump();
  }

  /** The connection is gone: hold nothing more. */
  stop(): void {
    this.stopped = true;
    this.waiting = [];
  }

  private pump(): void {
    if (this.stopped) return;
    for (let next = this.waiting[0]; next !== undefined; next = this.waiting[0]) {
      if (typeof next === 'function') {
        if (this.insideBytes > 0) break;
        this.waiting.shift();
        next();
      } else {
        if (this.insideBytes > 0 && this.insideBytes + next.length > this.limitBytes) break;
        this.waiting.shift();
        this.inside.push(next.length);
        this.insideBytes += next.length;
        this.deliver(next);
      }
      if (this.stopped) return;
    }
    if (this.waiting.length > 0) this.source.pause();
    else this.source.resume();
  }
}

type AedesClientInternals = Client & { _nextBatch: (err?: Error) => void; resume(): void };

/**
 * Calls `handled` each time aedes finishes a packet of `client`. aedes passes its
 * client's _nextBatch to every packet handler as the handler's done callback
 * (lib/client.js enqueue/dequeue, read at each call); client.resume() calls it
 * too, once, after CONNECT's authentication, which is not a packet finishing.
 */
export function onPacketHandled(client: Client, handled: () => void): void {
  const c = client as AedesClientInternals;
  const nextBatch = c._nextBatch;
  const resume = c.resume;
  let resuming = false;
  c.resume = function (this: AedesClientInternals) {
    resuming = true;
    try {
      resume.call(this);
    } finally {
      resuming = false;
    }
  };
  c._nextBatch = (err?: Error) => {
    nextBatch(err);
    if (!resuming) handled();
  };
}
