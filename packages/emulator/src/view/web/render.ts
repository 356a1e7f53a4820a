// Draws the whole view on one canvas: ruler, idle marks, every lane, the cursor.
// The lane labels beside it are DOM (list items with a spoken summary).
import type { DrawContext } from './draw.ts';
import type { Lane } from './lanes.ts';
import { drawIdleGaps, drawRuler } from './ruler.ts';

export const RULER_HEIGHT = 24;

export class Renderer {
  private readonly ctx: CanvasRenderingContext2D;
  readonly tops: number[] = [];
  readonly height: number;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly labels: HTMLElement,
    private readonly lanes: readonly Lane[],
  ) {
    this.ctx = canvas.getContext('2d')!;
    let y = RULER_HEIGHT;
    for (const lane of lanes) {
      this.tops.push(y);
      y += lane.height;
    }
    this.height = y;
    labels.replaceChildren(
      ...lanes.map((lane, i) => {
        const el = document.createElement('div');
        el.className = 'lane-label';
        el.setAttribute('role', 'listitem');
        el.dataset['lane'] = lane.id;
        el.textContent = lane.label;
        el.style.top = `${this.tops[i]}px`;
        el.style.height = `${lane.height}px`;
        return el;
      }),
    );
    labels.style.height = `${this.height}px`;
  }

  /** Canvas size in CSS pixels for the given width; the backing store follows devicePixelRatio. */
  resize(width: number): void {
    const dpr = window.devicePixelRatio || 1;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${this.height}px`;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(this.height * dpr);
  }

  draw(c: Omit<DrawContext, 'ctx'>, cursor: number): void {
    const ctx = this.ctx;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const full: DrawContext = { ...c, ctx };
    ctx.fillStyle = c.pal.bg;
    ctx.fillRect(0, 0, c.axis.width, this.height);
    drawIdleGaps(full, this.height);
    drawRuler(full, { y: 0, h: RULER_HEIGHT });
    this.lanes.forEach((lane, i) => {
      const box = { y: this.tops[i]!, h: lane.height };
      ctx.fillStyle = c.pal.grid;
      ctx.fillRect(0, box.y, c.axis.width, 1);
      ctx.save();
      ctx.beginPath();
      ctx.rect(0, box.y, c.axis.width, box.h);
      ctx.clip();
      lane.draw(full, box);
      ctx.restore();
    });
    const x = c.axis.x(cursor);
    ctx.fillStyle = c.pal.cursor;
    ctx.fillRect(Math.round(x) - 1, 0, 2, this.height);
  }

  /** Updates the spoken summaries (the counts change while a live run goes on). */
  describe(model: DrawContext['model']): void {
    this.lanes.forEach((lane, i) => {
      const el = this.labels.children[i] as HTMLElement;
      el.setAttribute('aria-label', `${lane.label} lane: ${lane.summary(model)}`);
    });
  }
}
