// Lanes of things that happen at a moment: serial lines, node events, and the
// scenario's steps (a bar from start to end, a check or a cross at the end).
import { FONT, cross, fitText, forEachVisible, type Box, type DrawContext } from './draw.ts';
import type { TextMark } from './model.ts';

export function drawTextMarks(c: DrawContext, box: Box, marks: readonly TextMark[], times: readonly number[], colour: string): void {
  const { ctx, axis, pal } = c;
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  forEachVisible(times, axis, 2, (i, x) => {
    ctx.fillStyle = colour;
    ctx.fillRect(x - 1, box.y + 3, 2, box.h - 6);
    const next = times[i + 1];
    ctx.fillStyle = pal.fg;
    fitText(ctx, marks[i]!.text, x + 4, box.y + box.h / 2, Math.min(next === undefined ? axis.width : axis.x(next) - 4, axis.width));
  });
}

export function drawSteps(c: DrawContext, box: Box): void {
  const { ctx, axis, model, pal } = c;
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  const mid = box.y + box.h / 2;
  forEachVisible(model.stepT, axis, 2, (i, x) => {
    const s = model.steps[i]!;
    const colour = s.status === 'fail' ? pal.fail : s.status === 'pass' ? pal.pass : pal.dim;
    const xe = Math.max(x + 2, axis.x(s.end));
    ctx.fillStyle = colour;
    ctx.globalAlpha = 0.3;
    ctx.fillRect(x, box.y + 4, xe - x, box.h - 8);
    ctx.globalAlpha = 1;
    ctx.fillRect(x, box.y + 4, 1.5, box.h - 8);
    // Shape as well as colour: a check for pass, a cross for fail.
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    if (s.status === 'pass') {
      ctx.beginPath();
      ctx.moveTo(xe - 4, mid);
      ctx.lineTo(xe - 1, mid + 4);
      ctx.lineTo(xe + 5, mid - 5);
      ctx.stroke();
    } else if (s.status === 'fail') cross(ctx, xe, mid, 4);
    const next = model.stepT[i + 1];
    ctx.fillStyle = s.status === 'fail' ? pal.fail : pal.fg;
    fitText(ctx, s.text + (s.message ? `: ${s.message}` : ''), x + 4, mid, Math.min(next === undefined ? axis.width : axis.x(next) - 8, axis.width));
  });
  // Failures on top: a passing step that shares their pixel must not hide them.
  ctx.strokeStyle = pal.fail;
  ctx.lineWidth = 2.5;
  forEachVisible(model.failT, axis, 4, (_, x) => cross(ctx, x, mid, 5));
}
