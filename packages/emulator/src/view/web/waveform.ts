// Digital signals as logic-analyzer traces: a line at the high or low rail,
// with a full-height bar where more changes fall into one pixel than can be drawn.
import type { Box, DrawContext } from './draw.ts';
import type { Levels } from './levels.ts';
import { lowerIndex, upperIndex } from './search.ts';

const RAIL_MARGIN = 4;

export const railY = (box: Box, level: 0 | 1): number => (level ? box.y + RAIL_MARGIN : box.y + box.h - RAIL_MARGIN);

export function drawLevels(c: DrawContext, levels: Levels, box: Box, colour: string): void {
  const { ctx, axis } = c;
  const t0 = axis.timeAt(0);
  const t1 = axis.timeAt(axis.width);
  let v = levels.at(t0);
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(0, railY(box, v));
  let i = upperIndex(levels.t, t0);
  while (i < levels.t.length && levels.t[i]! <= t1) {
    const x = axis.x(levels.t[i]!);
    ctx.lineTo(x, railY(box, v));
    const j = lowerIndex(levels.t, axis.timeAt(x + 0.5));
    if (j > i + 1) {
      // Several changes inside this pixel: show the span as a solid edge.
      ctx.lineTo(x, railY(box, 1));
      ctx.lineTo(x, railY(box, 0));
      v = levels.v[j - 1]!;
      ctx.moveTo(x, railY(box, v));
      i = j;
    } else {
      v = levels.v[i]!;
      ctx.lineTo(x, railY(box, v));
      i++;
    }
  }
  ctx.lineTo(axis.width, railY(box, v));
  ctx.stroke();
}

/** On/off as filled bars over a thin baseline (relays, PORTD pins). */
export function drawBars(c: DrawContext, levels: Levels, box: Box, colour: string, on: 0 | 1 = 1): void {
  const { ctx, axis, pal } = c;
  const t0 = axis.timeAt(0);
  const t1 = axis.timeAt(axis.width);
  ctx.fillStyle = pal.grid;
  ctx.fillRect(0, box.y + box.h - 3, axis.width, 1);
  ctx.fillStyle = colour;
  let start = levels.at(t0) === on ? t0 : undefined;
  const bar = (a: number, b: number) => {
    const xa = Math.max(0, axis.x(a));
    const xb = Math.min(axis.width, axis.x(b));
    ctx.fillRect(xa, box.y + 3, Math.max(1, xb - xa), box.h - 6);
  };
  for (let i = upperIndex(levels.t, t0); i < levels.t.length && levels.t[i]! <= t1; i++) {
    if (levels.v[i] === on && start === undefined) start = levels.t[i]!;
    else if (levels.v[i] !== on && start !== undefined) {
      bar(start, levels.t[i]!);
      start = undefined;
    }
  }
  if (start !== undefined) bar(start, t1);
}
