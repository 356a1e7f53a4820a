// The most virtual time a scenario may take, judged before it runs: a step like
// `delay: 100000d` would otherwise run (quietly, for hours of wall time) until killed.
import { formatDuration } from './duration.ts';
import { ScenarioIssue, ScenarioLoadError } from './errors.ts';
import type { Scenario } from './loader.ts';

const DAY_NS = 86_400_000_000_000n;
/** 20 years of 365.25 days: above the certificate-expiry scenarios (ten-year certificates). */
export const DEFAULT_MAX_VIRTUAL_NS = 7305n * DAY_NS;

/** Throws a ScenarioLoadError at the first step by which the steps' budgets add up to more than `maxNs`. */
export function checkVirtualSpan(scenario: Scenario, maxNs: bigint): void {
  let sum = 0n;
  for (const step of scenario.steps) {
    sum += step.budgetNs();
    if (sum <= maxNs) continue;
    const m = /^(.*):(\d+):(\d+)$/.exec(step.at);
    const detail = `${step.keyword}: the scenario can take ${formatDuration(sum)} of virtual time by the end of this step, more than --max-virtual ${formatDuration(maxNs)}`;
    throw new ScenarioLoadError([m ? new ScenarioIssue(m[1]!, Number(m[2]), Number(m[3]), detail) : new ScenarioIssue(scenario.file, 1, 1, detail)]);
  }
}
