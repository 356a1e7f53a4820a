// esphil view: one run on one time axis. Wires the pieces together: loading
// (load.ts), the lanes' data (model.ts), the axis (time-axis.ts), drawing
// (render.ts and the lane drawers), the side panel, navigation and the URL.
import type { TraceEvent } from '../../trace/events.ts';
import { buildLanes } from './lanes.ts';
import { fetchInfo, fetchTrace, followLive, type Info } from './load.ts';
import { buildModel, type RunModel } from './model.ts';
import { TARGETS, bindKeys, step, type Actions, type TargetKind } from './navigation.ts';
import { applyTheme, initialTheme, readPalette, type Palette, type Theme } from './palette.ts';
import { renderPanel } from './panel.ts';
import { readPosition, writePosition } from './position-url.ts';
import { Renderer } from './render.ts';
import { TimeAxis } from './time-axis.ts';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** A byte at 2 MHz lasts 4 µs: this span shows its 16 SCK edges across the canvas. */
const EDGES_SPAN_NS = 6_000;
/** Live runs rebuild the lanes at most this often. */
const LIVE_REBUILD_MS = 150;
const URL_WRITE_DELAY_MS = 200;
const DRAW_MEASURE = 'esphil-draw';
const READY_MARK = 'esphil-ready';

class View {
  private model!: RunModel;
  private axis!: TimeAxis;
  private pal: Palette;
  private theme: Theme = initialTheme();
  private cursor = 0;
  private compressed = true;
  private follow: boolean;
  private drawQueued = false;
  private urlTimer: number | undefined;
  private readonly renderer: Renderer;
  private readonly status = $('status');

  constructor(
    private readonly info: Info,
    private events: TraceEvent[],
    private nowNs: bigint | undefined,
  ) {
    applyTheme(this.theme);
    this.pal = readPalette();
    this.follow = info.live;
    this.renderer = new Renderer($<HTMLCanvasElement>('plot'), $('lanes'), buildLanes());
    document.title = `${info.label} — esphil view`;
    $('file').textContent = info.label + (info.live ? ' (live)' : '');
    const pos = readPosition();
    this.compressed = !pos.linear;
    this.rebuild();
    this.applyPosition(pos);
    if (pos.file !== undefined && pos.file !== info.label) this.say(`this link was made for ${pos.file}; showing ${info.label}`);
    this.bindInput();
    new ResizeObserver(() => this.layout()).observe($('plot-wrap'));
    this.layout();
  }

  private say(text: string): void {
    this.status.textContent = text;
  }

  /** Recomputes the lanes and the axis from the events, keeping what is on screen. */
  rebuild(): void {
    const old = this.axis;
    this.model = buildModel(this.events, this.info.names, this.nowNs);
    this.axis = new TimeAxis(this.model.start, this.model.end, [...this.model.activity, this.model.end], this.compressed);
    this.axis.width = old?.width ?? 1;
    if (old && !this.follow) this.axis.setSpan(old.span, old.timeAt(old.width / 2));
    this.renderer.describe(this.model);
    this.invalidate();
  }

  readonly live = {
    reset: (): void => {
      this.events = [];
      this.scheduleRebuild();
    },
    event: (e: TraceEvent): void => {
      this.events.push(e);
      this.scheduleRebuild();
    },
    now: (ns: bigint): void => {
      this.nowNs = ns;
      this.scheduleRebuild();
    },
  };

  private rebuildTimer: number | undefined;
  private scheduleRebuild(): void {
    this.rebuildTimer ??= window.setTimeout(() => {
      this.rebuildTimer = undefined;
      this.rebuild();
    }, LIVE_REBUILD_MS);
  }

  private applyPosition(pos: ReturnType<typeof readPosition>): void {
    if (pos.t !== undefined) {
      this.cursor = pos.t;
      this.follow = false;
    } else this.cursor = this.model.start;
    if (pos.span !== undefined) {
      this.axis.setSpan(pos.span, this.cursor);
      this.follow = false;
    }
    this.invalidate();
  }

  private layout(): void {
    const width = Math.max(200, $('plot-wrap').clientWidth);
    const keep = this.axis.width > 1 ? { span: this.axis.span, centre: this.axis.timeAt(this.axis.width / 2) } : null;
    this.axis.width = width;
    this.renderer.resize(width);
    if (keep) this.axis.setSpan(keep.span, keep.centre);
    this.invalidate();
  }

  invalidate(): void {
    if (this.drawQueued) return;
    this.drawQueued = true;
    requestAnimationFrame(() => {
      this.drawQueued = false;
      this.draw();
    });
  }

  private draw(): void {
    const start = performance.now();
    if (this.follow) this.axis.fit();
    this.renderer.draw({ axis: this.axis, model: this.model, pal: this.pal, names: this.info.names }, this.cursor);
    renderPanel($('panel'), this.model, this.info.names, this.cursor);
    this.scheduleUrl();
    // Timings for the benchmark (pnpm bench: view.load_ms, view.draw_ms).
    performance.measure(DRAW_MEASURE, { start });
    if (!document.body.dataset['ready']) performance.mark(READY_MARK);
    document.body.dataset['ready'] = '1';
  }

  private scheduleUrl(): void {
    window.clearTimeout(this.urlTimer);
    this.urlTimer = window.setTimeout(() => writePosition({ file: this.info.label, t: this.cursor, span: this.axis.span, linear: !this.compressed }), URL_WRITE_DELAY_MS);
  }

  private moveCursor(t: number): void {
    this.cursor = t;
    this.follow = false;
    this.axis.reveal(t);
    this.invalidate();
  }

  readonly actions: Actions = {
    go: (kind: TargetKind, dir) => {
      const t = step(TARGETS[kind].times(this.model), this.cursor, dir);
      if (t === undefined) this.say(`no ${dir > 0 ? 'next' : 'previous'} ${TARGETS[kind].name}`);
      else {
        this.say('');
        this.moveCursor(t);
      }
    },
    zoom: (factor) => {
      this.follow = false;
      this.axis.zoomAt(factor, this.axis.x(this.cursor));
      this.invalidate();
    },
    pan: (fraction) => {
      this.follow = false;
      this.axis.panPx(fraction * this.axis.width);
      this.invalidate();
    },
    fit: () => {
      this.axis.fit();
      this.invalidate();
    },
    zoomToEdges: () => {
      this.follow = false;
      this.axis.setSpan(EDGES_SPAN_NS, this.cursor);
      this.invalidate();
    },
    home: () => this.moveCursor(this.model.start),
    end: () => this.moveCursor(this.model.end),
    toggleCompression: () => {
      this.compressed = !this.compressed;
      this.rebuild();
      this.say(this.compressed ? 'idle stretches compressed' : 'linear time');
    },
    toggleTheme: () => {
      this.theme = this.theme === 'dark' ? 'light' : 'dark';
      applyTheme(this.theme);
      this.pal = readPalette();
      this.invalidate();
    },
  };

  private bindInput(): void {
    bindKeys(document, this.actions);
    for (const b of document.querySelectorAll<HTMLButtonElement>('[data-go]')) {
      b.addEventListener('click', () => this.actions.go(b.dataset['go'] as TargetKind, b.dataset['dir'] === '-1' ? -1 : 1));
    }
    for (const b of document.querySelectorAll<HTMLButtonElement>('[data-action]')) {
      const name = b.dataset['action'] as keyof Actions;
      b.addEventListener('click', () => (name === 'zoom' ? this.actions.zoom(Number(b.dataset['factor'])) : (this.actions[name] as () => void)()));
    }
    const canvas = $<HTMLCanvasElement>('plot');
    canvas.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        this.follow = false;
        if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) this.axis.panPx((e.deltaX || e.deltaY) * 0.5);
        else this.axis.zoomAt(Math.pow(1.0015, e.deltaY), e.offsetX);
        this.invalidate();
      },
      { passive: false },
    );
    let drag: { x: number; moved: boolean } | null = null;
    canvas.addEventListener('pointerdown', (e) => {
      drag = { x: e.offsetX, moved: false };
      canvas.setPointerCapture(e.pointerId);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!drag) return;
      const dx = e.offsetX - drag.x;
      if (Math.abs(dx) > 2) drag.moved = true;
      if (drag.moved) {
        this.follow = false;
        this.axis.panPx(-dx);
        drag.x = e.offsetX;
        this.invalidate();
      }
    });
    canvas.addEventListener('pointerup', (e) => {
      if (drag && !drag.moved) this.moveCursor(this.axis.timeAt(e.offsetX));
      drag = null;
    });
    window.addEventListener('hashchange', () => this.applyPosition(readPosition()));
  }
}

async function boot(): Promise<void> {
  const status = $('status');
  try {
    const info = await fetchInfo();
    if (!info.live) {
      new View(info, await fetchTrace(info.label), undefined);
      return;
    }
    const view = new View(info, [], undefined);
    followLive({ ...view.live, error: (m) => (status.textContent = m) });
  } catch (e) {
    status.textContent = `cannot show the run: ${(e as Error).message}`;
    document.body.dataset['ready'] = 'error';
  }
}

void boot();
