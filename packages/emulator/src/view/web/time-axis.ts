// Virtual time <-> screen x. Stretches with nothing but MQTT keepalives for
// longer than IDLE_MIN_NS are drawn compressed (and marked), so a virtual day
// or month fits one screen while a burst of SPI bytes keeps its real scale.
// "Display time" is virtual time with those stretches shrunk; the view is a
// window [d0, d1] of display time.
import { upperIndex } from './search.ts';

export const IDLE_MIN_NS = 60e9;
/** Real-scale margin kept around each activity, so zooming into a burst shows it linearly. */
const IDLE_PAD_NS = 1e9;
/** A compressed stretch is drawn as wide as this much display time, growing with the log of its length. */
const IDLE_SHOWN_NS = 4e9;
/** Narrowest view: a few SCK edges (2 MHz: 250 ns apart) across the canvas. */
export const MIN_SPAN_NS = 200;

export interface IdleGap {
  t0: number;
  t1: number;
}

export class TimeAxis {
  readonly gaps: IdleGap[] = [];
  /** Breakpoints of the piecewise-linear map time -> display time. */
  private readonly T: number[] = [];
  private readonly D: number[] = [];
  d0 = 0;
  d1 = 1;
  width = 1;

  constructor(
    readonly start: number,
    readonly end: number,
    activity: readonly number[],
    readonly compressed: boolean,
  ) {
    this.T.push(start);
    this.D.push(0);
    if (compressed) {
      const points = [start, ...activity, end];
      for (let i = 1; i < points.length; i++) {
        const a = points[i - 1]!;
        const b = points[i]!;
        if (b - a <= IDLE_MIN_NS) continue;
        const g0 = a + IDLE_PAD_NS;
        const g1 = b - IDLE_PAD_NS;
        this.gaps.push({ t0: g0, t1: g1 });
        this.point(g0);
        const shown = IDLE_SHOWN_NS * (1 + Math.log10((g1 - g0) / IDLE_MIN_NS));
        this.T.push(g1);
        this.D.push(this.D[this.D.length - 1]! + shown);
      }
    }
    this.fit();
  }

  /** Adds a breakpoint at t, on the linear stretch after the last one. */
  private point(t: number): void {
    const last = this.T.length - 1;
    this.D.push(this.D[last]! + (t - this.T[last]!));
    this.T.push(t);
  }

  toDisplay(t: number): number {
    return this.map(t, this.T, this.D);
  }

  fromDisplay(d: number): number {
    return this.map(d, this.D, this.T);
  }

  private map(v: number, from: number[], to: number[]): number {
    const i = upperIndex(from, v) - 1;
    if (i < 0) return to[0]! - (from[0]! - v);
    if (i >= from.length - 1) return to[i]! + (v - from[i]!);
    const f = (v - from[i]!) / (from[i + 1]! - from[i]!);
    return to[i]! + f * (to[i + 1]! - to[i]!);
  }

  get span(): number {
    return this.d1 - this.d0;
  }

  x(t: number): number {
    return ((this.toDisplay(t) - this.d0) / this.span) * this.width;
  }

  timeAt(x: number): number {
    return this.fromDisplay(this.d0 + (x / this.width) * this.span);
  }

  /** Screen pixels per ns of virtual time at t (far fewer inside a compressed stretch). */
  pxPerNs(t: number): number {
    const i = Math.max(0, Math.min(this.T.length - 2, upperIndex(this.T, t) - 1));
    const slope = this.T.length > 1 && this.T[i + 1]! > this.T[i]! ? (this.D[i + 1]! - this.D[i]!) / (this.T[i + 1]! - this.T[i]!) : 1;
    return (slope * this.width) / this.span;
  }

  fullSpan(): number {
    return this.toDisplay(this.end) - this.toDisplay(this.start);
  }

  fit(): void {
    const margin = Math.max(this.fullSpan() * 0.01, MIN_SPAN_NS);
    this.d0 = this.toDisplay(this.start) - margin;
    this.d1 = this.toDisplay(this.end) + margin;
  }

  setSpan(span: number, centreT: number): void {
    const s = Math.min(Math.max(span, MIN_SPAN_NS), this.fullSpan() * 1.5 + MIN_SPAN_NS);
    const c = this.toDisplay(centreT);
    this.d0 = c - s / 2;
    this.d1 = c + s / 2;
  }

  zoomAt(factor: number, x: number): void {
    const at = this.d0 + (x / this.width) * this.span;
    const s = Math.min(Math.max(this.span * factor, MIN_SPAN_NS), this.fullSpan() * 1.5 + MIN_SPAN_NS);
    this.d0 = at - (x / this.width) * s;
    this.d1 = this.d0 + s;
  }

  panPx(dx: number): void {
    const dd = (dx / this.width) * this.span;
    this.d0 += dd;
    this.d1 += dd;
  }

  /** Moves the view so t is visible, centring it when it was off screen. */
  reveal(t: number): void {
    const d = this.toDisplay(t);
    if (d < this.d0 || d > this.d1) this.setSpan(this.span, t);
  }
}
