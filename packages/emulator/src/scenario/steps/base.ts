// Shared plumbing of step classes: position, label, and failure messages that
// always end with the virtual time they were noticed at.
import type { ScenarioContext } from '../context.ts';
import { formatVirtual } from '../duration.ts';
import { StepFailure } from '../errors.ts';
import type { Where } from '../source.ts';
import type { Step } from '../step.ts';

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
  abstract run(ctx: ScenarioContext): Promise<void>;
}

/** `expected …, saw … (t=h:mm:ss.mmm)` */
export function failure(ctx: ScenarioContext, expected: string, seen: string): StepFailure {
  return new StepFailure(`expected ${expected}, saw ${seen} (t=${formatVirtual(ctx.nowNs())})`);
}

/** JSON-quoted, cut to `max` characters: a serial line of NTP dots can be 50 000 long. */
export function quote(text: string, max = 80): string {
  return text.length <= max ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, max))}… (${text.length} chars)`;
}

/** `no serial lines` / `2 serial lines: "a", "b"` / `9 serial lines (last 3: …)`. */
export function lastFew<T>(items: readonly T[], show: (x: T) => string, [one, many]: [string, string], n = 3): string {
  if (items.length === 0) return `no ${many}`;
  const noun = items.length === 1 ? one : many;
  const tail = items.slice(-n).map(show).join(', ');
  return items.length > n ? `${items.length} ${noun} (last ${n}: ${tail})` : `${items.length} ${noun}: ${tail}`;
}
