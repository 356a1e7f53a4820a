// Per-step lines for people: `[ T+0:00:12.345] ✓ publish irrigation/zone/on "2 120"`,
// stamped with the virtual time the step ended, then a summary. Without a terminal
// the same text comes out without colour codes.
import { formatDuration, formatVirtual } from '../duration.ts';
import type { Scenario } from '../loader.ts';
import { describeNode } from '../node-config.ts';
import type { Reporter, ScenarioResult, StepResult } from '../runner.ts';
import { BOLD, DIM, GREEN, paint, RED, wantsColor, type Output, type Paint } from './output.ts';
import type { ProgressBar } from './progress.ts';

const MARK = { pass: '✓', fail: '✗', error: '✗', skipped: '-' } as const;
const STAMP_WIDTH = 14; // "T+99:59:59.999": four virtual days before the column shifts

export function stamp(ns: bigint): string {
  return `[${formatVirtual(ns).padStart(STAMP_WIDTH)}]`;
}

export class HumanReporter implements Reporter {
  private readonly c: Paint;
  private readonly indent = ' '.repeat(STAMP_WIDTH + 5);

  constructor(
    private readonly out: Output,
    private readonly opts: { color?: boolean; progress?: ProgressBar } = {},
  ) {
    this.c = paint(opts.color ?? wantsColor(out));
  }

  private write(text: string): void {
    this.opts.progress?.clear();
    this.out.write(text);
    this.opts.progress?.draw();
  }

  scenarioStart(s: Scenario): void {
    const node = describeNode(s.node);
    this.write(`${this.c(BOLD, `▶ ${s.name}`)} ${this.c(DIM, `(${s.file}${node ? `; ${node}` : ''})`)}\n`);
  }

  stepEnd(_s: Scenario, r: StepResult): void {
    if (r.status === 'skipped') return;
    const ok = r.status === 'pass';
    const mark = this.c(ok ? GREEN : RED, MARK[r.status]);
    const label = r.label !== undefined ? this.c(DIM, ` (${r.label})`) : '';
    let text = `${stamp(r.endNs ?? 0n)} ${mark} ${r.step}${label}\n`;
    if (!ok) {
      const lines = (r.message ?? '').split('\n').map((l) => `${this.indent}${l}\n`);
      text += lines.join('') + `${this.indent}${this.c(DIM, `at ${r.at}`)}\n`;
    }
    this.write(text);
  }

  scenarioEnd(_s: Scenario, r: ScenarioResult): void {
    const skipped = r.steps.filter((s) => s.status === 'skipped').length;
    if (skipped) this.write(`${this.indent}${this.c(DIM, `${skipped} step${skipped > 1 ? 's' : ''} skipped`)}\n`);
    this.write(`${scenarioLine(r, this.c)}\n\n`);
  }

  /** The closing summary over every scenario run. */
  summary(results: readonly ScenarioResult[]): void {
    const failed = results.filter((r) => r.status !== 'pass');
    const head = `${results.length} scenario${results.length === 1 ? '' : 's'}: ${results.length - failed.length} passed, ${failed.length} failed`;
    let text = this.c(BOLD, this.c(failed.length ? RED : GREEN, head)) + '\n';
    for (const r of failed) text += `  ${this.c(RED, '✗')} ${r.name} (${r.failure?.at ?? r.file}): step ${r.failure?.index} ${r.failure?.step}\n`;
    this.write(text);
  }
}

function scenarioLine(r: ScenarioResult, c: Paint): string {
  const virtualNs = r.endNs - r.startNs;
  const passed = r.steps.filter((s) => s.status === 'pass').length;
  const speed = r.wallMs > 0 ? `, ${Math.round(Number(virtualNs / 1_000_000n) / r.wallMs)}× real time` : '';
  const times = `${formatDuration(virtualNs - (virtualNs % 1_000_000n))} virtual, ${(r.wallMs / 1000).toFixed(2)} s wall${speed}`;
  if (r.status === 'pass') return `${c(GREEN, '✓')} ${r.name}: ${passed} steps passed (${times})`;
  return `${c(RED, '✗')} ${r.name}: ${r.status === 'error' ? 'world error' : 'failed'} at step ${r.failure?.index} of ${r.steps.length} (${times})`;
}
