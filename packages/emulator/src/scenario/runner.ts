// Runs a loaded scenario step by step in one world. The first failing step ends the
// scenario; the steps after it are reported as skipped.
import type { ScenarioContext } from './context.ts';
import { StepFailure } from './errors.ts';
import type { Scenario } from './loader.ts';
import type { Step } from './step.ts';
import { wallMs } from './wall-clock.ts';

/** pass; fail = the step saw something else; error = the world threw; skipped = after a failure. */
export type StepStatus = 'pass' | 'fail' | 'error' | 'skipped';

export interface StepResult {
  /** 1-based, as in load errors. */
  index: number;
  keyword: string;
  /** describe() of the step. */
  step: string;
  label?: string;
  /** file:line:column */
  at: string;
  status: StepStatus;
  /** Virtual time at the step's start and end (absent for skipped steps). */
  startNs?: bigint;
  endNs?: bigint;
  wallMs: number;
  message?: string;
}

export interface ScenarioResult {
  file: string;
  name: string;
  status: 'pass' | 'fail' | 'error';
  steps: StepResult[];
  startNs: bigint;
  endNs: bigint;
  wallMs: number;
  failure?: { index: number; step: string; at: string; message: string };
}

/** Hooks called as a scenario runs; every one is optional. */
export interface Reporter {
  /** `now` reads the world's virtual time while the scenario runs (progress displays). */
  scenarioStart?(scenario: Scenario, tNs: bigint, now: () => bigint): void;
  stepStart?(scenario: Scenario, step: Step, index: number, tNs: bigint): void;
  stepEnd?(scenario: Scenario, result: StepResult): void;
  scenarioEnd?(scenario: Scenario, result: ScenarioResult): void;
}

/** Virtual time budget of a scenario: its delays plus its wait timeouts. */
export function scenarioBudgetNs(scenario: Scenario): bigint {
  return scenario.steps.reduce((sum, s) => sum + s.budgetNs(), 0n);
}

export async function runScenario(scenario: Scenario, ctx: ScenarioContext, reporter: Reporter = {}): Promise<ScenarioResult> {
  const wall0 = wallMs();
  const startNs = ctx.nowNs();
  reporter.scenarioStart?.(scenario, startNs, () => ctx.nowNs());
  const steps: StepResult[] = [];
  let failure: ScenarioResult['failure'];
  let status: ScenarioResult['status'] = 'pass';

  for (const [i, step] of scenario.steps.entries()) {
    const index = i + 1;
    const base = { index, keyword: step.keyword, step: step.describe(), at: step.at, ...(step.label !== undefined && { label: step.label }) };
    if (failure) {
      const r: StepResult = { ...base, status: 'skipped', wallMs: 0 };
      steps.push(r);
      reporter.stepEnd?.(scenario, r);
      continue;
    }
    // Memory: what no remaining step can look back at is dropped.
    if (!scenario.steps.slice(i).some((s) => s.looksBack)) ctx.forgetHistory();
    const t0 = ctx.nowNs();
    const w0 = wallMs();
    reporter.stepStart?.(scenario, step, index, t0);
    ctx.step({ index, step: base.step, status: 'start', scenario: scenario.name });
    let r: StepResult;
    try {
      await step.run(ctx);
      r = { ...base, status: 'pass', startNs: t0, endNs: ctx.nowNs(), wallMs: wallMs() - w0 };
    } catch (e) {
      const failed = e instanceof StepFailure;
      const message = failed ? e.message : `world error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
      r = { ...base, status: failed ? 'fail' : 'error', startNs: t0, endNs: ctx.nowNs(), wallMs: wallMs() - w0, message };
      failure = { index, step: base.step, at: step.at, message };
      status = failed ? 'fail' : 'error';
    }
    ctx.step({ index, step: base.step, status: r.status === 'pass' ? 'pass' : 'fail', scenario: scenario.name, ...(r.message !== undefined && { message: r.message }) });
    steps.push(r);
    reporter.stepEnd?.(scenario, r);
  }

  const result: ScenarioResult = {
    file: scenario.file,
    name: scenario.name,
    status,
    steps,
    startNs,
    endNs: ctx.nowNs(),
    wallMs: wallMs() - wall0,
    ...(failure && { failure }),
  };
  reporter.scenarioEnd?.(scenario, result);
  return result;
}

/** Calls each reporter's hooks in turn. */
export function allReporters(...reporters: Reporter[]): Reporter {
  return {
    scenarioStart: (s, t, now) => reporters.forEach((r) => r.scenarioStart?.(s, t, now)),
    stepStart: (s, step, i, t) => reporters.forEach((r) => r.stepStart?.(s, step, i, t)),
    stepEnd: (s, res) => reporters.forEach((r) => r.stepEnd?.(s, res)),
    scenarioEnd: (s, res) => reporters.forEach((r) => r.scenarioEnd?.(s, res)),
  };
}
