// A one-line progress bar for long runs on a terminal: virtual time done / estimated
// total. The total starts as the sum of delays and timeouts and shrinks as wait steps
// finish early. Off (draws nothing) when the output is not a terminal.
import { formatVirtual } from '../duration.ts';
import type { Scenario } from '../loader.ts';
import type { Reporter, StepResult } from '../runner.ts';
import { realInterval } from '../wall-clock.ts';
import type { Output } from './output.ts';

const REDRAW_MS = 200;
const BAR_WIDTH = 24;

export class ProgressBar implements Reporter {
  readonly enabled: boolean;
  private nowNs: (() => bigint) | null = null;
  private stopTimer: (() => void) | null = null;
  private scenario: Scenario | null = null;
  private startNs = 0n;
  /** Virtual time the current step started at, and the budget of it and every later step. */
  private stepStartNs = 0n;
  private stepIndex = 0;
  private shown = false;

  constructor(
    private readonly out: Output,
    opts: { enabled?: boolean } = {},
  ) {
    this.enabled = opts.enabled ?? out.isTTY === true;
  }

  scenarioStart(s: Scenario, tNs: bigint, now: () => bigint): void {
    this.nowNs = now;
    this.scenario = s;
    this.startNs = tNs;
    this.stepStartNs = tNs;
    this.stepIndex = 1;
    if (this.enabled && !this.stopTimer) this.stopTimer = realInterval(() => this.draw(), REDRAW_MS);
  }

  stepStart(_s: Scenario, _step: unknown, index: number, tNs: bigint): void {
    this.stepIndex = index;
    this.stepStartNs = tNs;
    this.draw();
  }

  stepEnd(_s: Scenario, r: StepResult): void {
    if (r.endNs !== undefined) this.stepStartNs = r.endNs;
    this.stepIndex = r.index + 1;
  }

  scenarioEnd(): void {
    this.clear();
    this.scenario = null;
    this.nowNs = null;
    this.stop();
  }

  /** [done, total] virtual ns since the scenario started. */
  estimate(nowNs: bigint): [bigint, bigint] {
    const steps = this.scenario?.steps ?? [];
    const current = steps[this.stepIndex - 1];
    const inStep = nowNs - this.stepStartNs;
    const currentLeft = current ? (current.budgetNs() > inStep ? current.budgetNs() - inStep : 0n) : 0n;
    const later = steps.slice(this.stepIndex).reduce((sum, s) => sum + s.budgetNs(), 0n);
    const done = nowNs - this.startNs;
    return [done, done + currentLeft + later];
  }

  /** The bar as text (no escape codes), e.g. `[██████░░░░]  25%  6:00:00.000 / 24:00:00.000 virtual  step 3/12  an irrigation day`. */
  render(nowNs: bigint): string {
    const [done, total] = this.estimate(nowNs);
    const frac = total > 0n ? Number((done * 1000n) / total) / 1000 : 1;
    const filled = Math.round(frac * BAR_WIDTH);
    const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
    const pct = `${Math.floor(frac * 100)}%`.padStart(4);
    const steps = this.scenario ? `  step ${Math.min(this.stepIndex, this.scenario.steps.length)}/${this.scenario.steps.length}  ${this.scenario.name}` : '';
    return `[${bar}] ${pct}  ${formatVirtual(done)} / ${formatVirtual(total)} virtual${steps}`;
  }

  draw(): void {
    if (!this.enabled || !this.scenario) return;
    const now = this.nowNs?.() ?? this.stepStartNs;
    const line = this.render(now);
    const width = (this.out.columns ?? 80) - 1;
    this.out.write(`\r\x1b[2K${line.length > width ? line.slice(0, width) : line}`);
    this.shown = true;
  }

  clear(): void {
    if (!this.shown) return;
    this.out.write('\r\x1b[2K');
    this.shown = false;
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = null;
  }
}
