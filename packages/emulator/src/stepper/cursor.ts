// Where the stepper stands in a trace that may still be growing. The cursor
// holds the focused event itself (not its index): in scenario mode an SPI
// window is inserted behind the events that happened inside it, so indices move.
import type { SpiEvent, TraceEvent } from '../trace/events.ts';
import type { AvrBreakResolver } from './breakpoints.ts';
import { findBackward, indexOfEvent, lowerBound, upperBound } from '../trace/query.ts';
import { DEFAULT_REORDER_WINDOW_NS } from '../trace/recorder.ts';
import { spiByteEdges } from '../trace/spi-timing.ts';

export interface StepperSource {
  events: readonly TraceEvent[]; // recorded so far, time-ordered
  more(): Promise<boolean>; // run further (scenario mode) and append events; false when finished (trace mode: always false)
  label: string;
  /** Scenario mode: sets an AVR breakpoint (`break avr`). */
  avrBreak?: AvrBreakResolver;
}

export interface Position {
  t: bigint;
  ev: TraceEvent | null; // null: before the first event
  byte: number | null; // within ev when it is an SPI window
  edge: number | null; // 0..15 within that byte
}

const isSpi = (e: TraceEvent): e is SpiEvent => e.kind === 'spi';
const hasBytes = (e: TraceEvent): e is SpiEvent => isSpi(e) && e.bytes.length > 0;

export class Cursor {
  pos: Position = { t: 0n, ev: null, byte: null, edge: null };
  private finished = false;

  constructor(readonly src: StepperSource) {}

  get events(): readonly TraceEvent[] {
    return this.src.events;
  }

  /** Index of the focused event; without one, of the last event at or before the cursor time. */
  index(): number {
    const { ev, t } = this.pos;
    if (ev) {
      const i = indexOfEvent(this.events, ev);
      if (i >= 0) return i;
    }
    return this.pos.ev === null && t === 0n ? -1 : upperBound(this.events, t) - 1;
  }

  /** Asks the source for more events; false once it is finished. */
  async grow(): Promise<boolean> {
    if (this.finished) return false;
    if (await this.src.more()) return true;
    this.finished = true;
    return false;
  }

  /**
   * Visits every event after the cursor once, in time order, running the
   * scenario further as needed, until `visit` returns true; returns that
   * event's index or -1 at the end.
   */
  async scanForward(visit: (e: TraceEvent) => boolean): Promise<number> {
    const seen = new Set<TraceEvent>();
    let i = this.index() + 1;
    for (;;) {
      for (; i < this.events.length; i++) {
        const e = this.events[i]!;
        if (seen.has(e)) continue;
        seen.add(e);
        if (visit(e)) return i;
      }
      const lastT = this.events.at(-1)?.t ?? 0n;
      if (!(await this.grow())) return -1;
      // A late event (an SPI window, emitted when SS rises) lands at most a reorder window back.
      i = Math.max(this.index() + 1, lowerBound(this.events, lastT - DEFAULT_REORDER_WINDOW_NS));
    }
  }

  findNext(pred: (e: TraceEvent) => boolean): Promise<number> {
    return this.scanForward(pred);
  }

  findPrev(pred: (e: TraceEvent) => boolean): number {
    return findBackward(this.events, this.index() - 1, pred);
  }

  focus(ev: TraceEvent, byte: number | null = null, edge: number | null = null): void {
    let t = ev.t;
    if (isSpi(ev) && byte !== null) t = edge === null ? ev.bytes[byte]!.t : spiByteEdges(ev, byte)[edge]!.t;
    this.pos = { t, ev, byte, edge };
  }

  /** Moves to time t: the focus becomes the last event at or before t. */
  async goto(t: bigint): Promise<void> {
    // Run a reorder window past t, so an SPI window open at t has arrived.
    while ((this.events.at(-1)?.t ?? -1n) < t + DEFAULT_REORDER_WINDOW_NS && (await this.grow()));
    const i = upperBound(this.events, t) - 1;
    this.pos = { t, ev: i >= 0 ? this.events[i]! : null, byte: null, edge: null };
  }

  /** The SPI window at the cursor, or null. */
  spi(): SpiEvent | null {
    return this.pos.ev && isSpi(this.pos.ev) ? this.pos.ev : null;
  }

  async nextTransaction(): Promise<boolean> {
    const i = await this.findNext(isSpi);
    if (i < 0) return false;
    this.focus(this.events[i]!);
    return true;
  }

  prevTransaction(): boolean {
    const i = this.findPrev(isSpi);
    if (i < 0) return false;
    this.focus(this.events[i]!);
    return true;
  }

  /** With a byte selected, the one after it; otherwise the first byte at or after the cursor time. */
  async nextByte(): Promise<boolean> {
    const spi = this.spi();
    if (spi) {
      const { byte, t } = this.pos;
      const i = byte !== null ? byte + 1 : spi.bytes.findIndex((b) => b.t >= t);
      if (i >= 0 && i < spi.bytes.length) {
        this.focus(spi, i);
        return true;
      }
    }
    const i = await this.findNext(hasBytes);
    if (i < 0) return false;
    this.focus(this.events[i]!, 0);
    return true;
  }

  /** With a byte selected, the one before it; otherwise the last byte that started before the cursor time. */
  prevByte(): boolean {
    const spi = this.spi();
    if (spi) {
      const { byte, t } = this.pos;
      let i = byte !== null ? byte - 1 : -1;
      if (byte === null) for (let j = 0; j < spi.bytes.length && spi.bytes[j]!.t < t; j++) i = j;
      if (i >= 0) {
        this.focus(spi, i);
        return true;
      }
    }
    const i = this.findPrev(hasBytes);
    if (i < 0) return false;
    const prev = this.events[i] as SpiEvent;
    this.focus(prev, prev.bytes.length - 1);
    return true;
  }

  async nextEdge(): Promise<boolean> {
    const spi = this.spi();
    if (spi && this.pos.byte !== null && (this.pos.edge ?? -1) < 15) {
      this.focus(spi, this.pos.byte, (this.pos.edge ?? -1) + 1);
      return true;
    }
    if (!(await this.nextByte())) return false;
    this.focus(this.pos.ev!, this.pos.byte, 0);
    return true;
  }

  prevEdge(): boolean {
    const spi = this.spi();
    if (spi && this.pos.byte !== null && this.pos.edge !== null && this.pos.edge > 0) {
      this.focus(spi, this.pos.byte, this.pos.edge - 1);
      return true;
    }
    // Back from a byte's first edge (or from a whole byte): the last edge of the byte before.
    if (!this.prevByte()) return false;
    this.focus(this.pos.ev!, this.pos.byte, 15);
    return true;
  }

  /** SPI window ordinal (1-based) of an SPI event. */
  transactionNumber(e: SpiEvent): number {
    let n = 0;
    const end = indexOfEvent(this.events, e);
    for (let i = 0; i <= end; i++) if (this.events[i]!.kind === 'spi') n++;
    return n;
  }
}
