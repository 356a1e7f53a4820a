// Shared plumbing of step classes: position, label, and failure messages that
// always end with the virtual time they were noticed at.
import type { ScenarioContext } from '../context.ts';
import { formatVirtual } from '../duration.ts';
import { StepFailure } from '../errors.ts';
import type { Where } from '../source.ts';
import type { Step, StepRun } from '../step.ts';

export abstract class BaseStep implements Step {
  label?: string;
  readonly at: string;

  constructor(
    readonly keyword: string,
    where: Where,
  ) {
    this.at = where.position();
  }

  budgetNs(): bigint {
    return 0n;
  }

  abstract describe(): string;
  abstract run(ctx: ScenarioContext, run: StepRun): Promise<void>;
}

/** `expected …, saw … (t=h:mm:ss.mmm)` */
export function failure(ctx: ScenarioContext, expected: string, seen: string): StepFailure {
  return new StepFailure(`expected ${expected}, saw ${seen} (t=${formatVirtual(ctx.nowNs())})`);
}

/** A window of recent events for failure messages: the last few, quoted. */
export function lastFew<T>(items: readonly T[], show: (x: T) => string, n = 3): string {
  if (items.length === 0) return 'nothing';
  const tail = items.slice(-n).map(show).join(', ');
  return items.length > n ? `${items.length} (last ${n}: ${tail})` : `${items.length}: ${tail}`;
}
