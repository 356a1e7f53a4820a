// `--json`: one JSON object per line. Every time is a decimal string of
// nanoseconds, as in the trace (ten years of ns exceed 2^53): virtual instants
// since power-on (t, start, end) and wall-clock durations (wall) alike.
import type { Scenario } from '../loader.ts';
import { scenarioBudgetNs, type Reporter, type ScenarioResult, type StepResult } from '../runner.ts';
import type { Output } from './output.ts';

export type JsonEvent =
  | { event: 'scenario-start'; file: string; name: string; t: string; budget: string }
  | ({ event: 'step'; file: string } & Omit<StepResult, 'startNs' | 'endNs' | 'wallMs'> & { start?: string; end?: string; wall: string })
  | { event: 'scenario-end'; file: string; name: string; status: ScenarioResult['status']; start: string; end: string; wall: string; counts: Record<StepResult['status'], number>; failure?: ScenarioResult['failure'] }
  | { event: 'summary'; scenarios: number; passed: number; failed: number };

export function stepEvent(file: string, r: StepResult): JsonEvent {
  const { startNs, endNs, wallMs, ...rest } = r;
  return { event: 'step', file, ...rest, ...(startNs !== undefined && { start: String(startNs) }), ...(endNs !== undefined && { end: String(endNs) }), wall: msToNs(wallMs) };
}

/** A wall-clock duration in ms (fractional) as the JSON time representation. */
const msToNs = (ms: number): string => String(Math.round(ms * 1e6));

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
      wall: msToNs(r.wallMs),
      counts: countSteps(r),
      ...(r.failure && { failure: r.failure }),
    });
  }

  summary(results: readonly ScenarioResult[]): void {
    const passed = results.filter((r) => r.status === 'pass').length;
    this.emit({ event: 'summary', scenarios: results.length, passed, failed: results.length - passed });
  }
}
