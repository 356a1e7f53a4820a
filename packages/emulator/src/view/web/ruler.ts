// The time ruler above the lanes, and the compressed idle stretches marked
// across every lane with how long they really are.
import { formatDuration } from '../../scenario/duration.ts';
import { formatTime } from '../../stepper/time.ts';
import { FONT, type Box, type DrawContext } from './draw.ts';

const MIN_TICK_PX = 90;

const S = 1e9;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;
/** Tick steps a clock reads well: 1-2-5 below a second, then 10 s, 15 s, 30 s, 1 min... 12 h, days. */
const TICK_STEPS: readonly number[] = [
  ...[1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8].flatMap((p) => [1, 2, 5].map((m) => m * p)),
  ...[1, 2, 5, 10, 15, 30].map((m) => m * S),
  ...[1, 2, 5, 10, 15, 30].map((m) => m * MIN),
  ...[1, 2, 3, 6, 12].map((m) => m * H),
  ...[1, 2, 7, 14, 28].map((m) => m * D),
];

/** The smallest tick step at least MIN_TICK_PX apart. */
function tickStep(pxPerNs: number): number {
  return TICK_STEPS.find((s) => s * pxPerNs >= MIN_TICK_PX) ?? TICK_STEPS[TICK_STEPS.length - 1]!;
}

/** Clock time with as many decimals as the tick step needs. */
export function clockLabel(t: number, step: number): string {
  const full = formatTime(BigInt(Math.round(t)));
  const decimals = step >= 1e9 ? 0 : step >= 1e6 ? 3 : step >= 1e3 ? 6 : 9;
  const dot = full.indexOf('.');
  return decimals ? full.slice(0, dot + 1 + decimals) : full.slice(0, dot);
}

export function drawIdleGaps(c: DrawContext, height: number): void {
  const { ctx, axis, pal } = c;
  ctx.font = FONT;
  ctx.textBaseline = 'top';
  for (const g of axis.gaps) {
    const x0 = axis.x(g.t0);
    const x1 = axis.x(g.t1);
    if (x1 < 0 || x0 > axis.width) continue;
    ctx.fillStyle = pal.idle;
    ctx.fillRect(x0, 0, x1 - x0, height);
    ctx.strokeStyle = pal.grid;
    ctx.lineWidth = 1;
    ctx.setLineDash([2, 3]);
    ctx.beginPath();
    ctx.moveTo(x0, 0);
    ctx.lineTo(x0, height);
    ctx.moveTo(x1, 0);
    ctx.lineTo(x1, height);
    ctx.stroke();
    ctx.setLineDash([]);
    const label = `idle ${formatDuration(BigInt(Math.round((g.t1 - g.t0) / 1e9)) * 1_000_000_000n)}`;
    if (ctx.measureText(label).width < x1 - x0 - 4) {
      ctx.fillStyle = pal.dim;
      ctx.fillText(label, x0 + 3, 12);
    }
  }
}

export function drawRuler(c: DrawContext, box: Box): void {
  const { ctx, axis, pal } = c;
  ctx.font = FONT;
  ctx.textBaseline = 'top';
  ctx.fillStyle = pal.fg;
  ctx.strokeStyle = pal.dim;
  ctx.lineWidth = 1;
  // Ticks only on real-scale stretches; the idle marks label the compressed ones.
  let lastX = -Infinity;
  for (let x = 0; x < axis.width; x += MIN_TICK_PX / 3) {
    const t = axis.timeAt(x);
    const step = tickStep(axis.pxPerNs(t));
    const tick = Math.ceil(t / step) * step;
    const tx = axis.x(tick);
    if (tx - lastX < MIN_TICK_PX || tx > axis.width || axis.pxPerNs(tick) * step < MIN_TICK_PX * 0.9) continue;
    lastX = tx;
    ctx.beginPath();
    ctx.moveTo(tx, box.y + box.h - 6);
    ctx.lineTo(tx, box.y + box.h);
    ctx.stroke();
    ctx.fillText(clockLabel(tick, step), tx + 2, box.y + 1);
  }
}
