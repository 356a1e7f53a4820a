// What the broker has written to one client and the client has not yet taken
// (the socket has not accepted it), and mosquitto 2.0's rule for a QoS 0
// PUBLISH that finds this queue full: it is dropped, never queued
// (database.c, db__ready_for_flight: "For QoS 0 messages the choice is either
// 'inflight' or dropped"). mosquitto counts the packets on the client's
// out_packet list against max_queued_messages (default 1000) and, when
// max_queued_bytes is set, bytes too; here the packets and bytes written to
// TLS whose write has not completed. So a subscriber that stops reading
// while others publish costs the broker at most that much, and the
// publishers are not slowed down by it. QoS 1 and 2 follow aedes' own flow.
import type { BrokerLimits } from './limits.ts';
import { PUBLISH } from './mqtt/framer.ts';

export type OutboundLimits = Pick<BrokerLimits, 'maxQueuedMessages' | 'maxQueuedBytes'>;

/** A QoS 0 PUBLISH, from its fixed header byte. */
export function isQos0Publish(raw: Buffer): boolean {
  const first = raw[0]!;
  return first >> 4 === PUBLISH && ((first >> 1) & 3) === 0;
}

export class OutboundQueue {
  packets = 0;
  bytes = 0;
  /** Within a run of drops (mosquitto logs the first of each run once). */
  private dropping = false;

  constructor(private readonly limits: OutboundLimits) {}

  /** mosquitto's test for a QoS 0 PUBLISH: may it be written now? */
  private roomForQos0(): boolean {
    const { maxQueuedMessages, maxQueuedBytes } = this.limits;
    const countOk = maxQueuedMessages === 0 || this.packets < maxQueuedMessages;
    const bytesOk = maxQueuedBytes === 0 || this.bytes < maxQueuedBytes;
    return countOk && bytesOk;
  }

  /**
   * Decides on one packet: 'send' (then call the returned function once the write
   * completes), 'drop-first' for the first drop of a run, or 'drop'.
   */
  admit(raw: Buffer): { verdict: 'send'; written: () => void } | { verdict: 'drop' | 'drop-first' } {
    if (isQos0Publish(raw) && !this.roomForQos0()) {
      const first = !this.dropping;
      this.dropping = true;
      return { verdict: first ? 'drop-first' : 'drop' };
    }
    this.dropping = false;
    this.packets++;
    this.bytes += raw.length;
    let done = false;
    return {
      verdict: 'send',
      written: () => {
        if (done) return;
        done = true;
        this.packets--;
        this.bytes -= raw.length;
      },
    };
  }
}
