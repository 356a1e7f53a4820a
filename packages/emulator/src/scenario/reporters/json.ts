// `--json`: one JSON object per line. Virtual times are decimal strings of
// nanoseconds, as in the trace (ten years of ns exceed 2^53).
import type { Scenario } from '../loader.ts';
import { scenarioBudgetNs, type Reporter, type ScenarioResult, type StepResult } from '../runner.ts';
import type { Output } from './output.ts';

export type JsonEvent =
  | { event: 'scenario-start'; file: string; name: string; t: string; budget: string }
  | ({ event: 'step'; file: string } & Omit<StepResult, 'startNs' | 'endNs'> & { start?: string; end?: string })
  | { event: 'scenario-end'; file: string; name: string; status: ScenarioResult['status']; start: string; end: string; wallMs: number; counts: Record<StepResult['status'], number>; failure?: ScenarioResult['failure'] }
  | { event: 'summary'; scenarios: number; passed: number; failed: number };

export function stepEvent(file: string, r: StepResult): JsonEvent {
  const { startNs, endNs, ...rest } = r;
  return { event: 'step', file, ...rest, ...(startNs !== undefined && { start: String(startNs) }), ...(endNs !== undefined && { end: String(endNs) }) };
}

export function countSteps(r: ScenarioResult): Record<StepResult['status'], number> {
  const counts = { pass: 0, fail: 0, error: 0, skipped: 0 };
  for (const s of r.steps) counts[s.status]++;
  return counts;
}

export class JsonReporter implements Reporter {
  constructor(private readonly out: Output) {}

  private emit(e: JsonEvent): void {
    this.out.write(JSON.stringify(e) + '\n');
  }

  scenarioStart(s: Scenario, tNs: bigint): void {
    this.emit({ event: 'scenario-start', file: s.file, name: s.name, t: String(tNs), budget: String(scenarioBudgetNs(s)) });
  }

  stepEnd(s: Scenario, r: StepResult): void {
    this.emit(stepEvent(s.file, r));
  }

  scenarioEnd(_s: Scenario, r: ScenarioResult): void {
    this.emit({
      event: 'scenario-end',
      file: r.file,
      name: r.name,
      status: r.status,
      start: String(r.startNs),
      end: String(r.endNs),
      wallMs: r.wallMs,
      counts: countSteps(r),
      ...(r.failure && { failure: r.failure }),
    });
  }

  summary(results: readonly ScenarioResult[]): void {
    const passed = results.filter((r) => r.status === 'pass').length;
    this.emit({ event: 'summary', scenarios: results.length, passed, failed: results.length - passed });
  }
}
