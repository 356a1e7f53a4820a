// What every lane drawer gets, and the walk over the events on screen that
// keeps drawing cost proportional to pixels, not to events: where many
// events share a pixel, one is drawn and the rest are skipped by binary search.
import type { RunModel } from './model.ts';
import type { Names } from './names.ts';
import type { Palette } from './palette.ts';
import { lowerIndex } from './search.ts';
import type { TimeAxis } from './time-axis.ts';

export interface DrawContext {
  ctx: CanvasRenderingContext2D;
  axis: TimeAxis;
  model: RunModel;
  pal: Palette;
  names: Names;
}

/** A lane's box on the canvas. */
export interface Box {
  y: number;
  h: number;
}

export const FONT = '11px ui-monospace, "DejaVu Sans Mono", monospace';

/** Calls fn(i, x) for events on screen, at most one per `minPx` pixels. */
export function forEachVisible(times: readonly number[], axis: TimeAxis, minPx: number, fn: (i: number, x: number) => void): void {
  const t1 = axis.timeAt(axis.width);
  let i = lowerIndex(times, axis.timeAt(0));
  while (i < times.length && times[i]! <= t1) {
    const x = axis.x(times[i]!);
    fn(i, x);
    i = Math.max(i + 1, lowerIndex(times, axis.timeAt(x + minPx)));
  }
}

/** Draws `text` at x if it fits before `limitX`; returns whether it was drawn. */
export function fitText(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, limitX: number): boolean {
  const room = limitX - x;
  if (room < 12) return false;
  if (ctx.measureText(text).width <= room) {
    ctx.fillText(text, x, y);
    return true;
  }
  // Cut to what fits, with an ellipsis: long serial lines and payloads.
  const chars = Math.floor((text.length * room) / ctx.measureText(text).width) - 1;
  if (chars < 3) return false;
  ctx.fillText(`${text.slice(0, chars)}…`, x, y);
  return true;
}

/** An X of half-size r at (x, y), stroked: failures and refusals are crossed, not only coloured. */
export function cross(ctx: CanvasRenderingContext2D, x: number, y: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x - r, y - r);
  ctx.lineTo(x + r, y + r);
  ctx.moveTo(x + r, y - r);
  ctx.lineTo(x - r, y + r);
  ctx.stroke();
}
