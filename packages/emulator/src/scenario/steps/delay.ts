// `delay: 5s` lets the world run for a while of virtual time.
import type { ScenarioContext } from '../context.ts';
import { formatDuration } from '../duration.ts';
import { DURATION, type ParamSpec } from '../param-spec.ts';
import type { Params } from '../params.ts';
import type { Where } from '../source.ts';
import { BaseStep } from './base.ts';

export class DelayStep extends BaseStep {
  static readonly keyword = 'delay';
  static readonly shorthand = 'duration';
  static readonly doc = 'Runs the world for that long in virtual time.';
  static readonly spec: ParamSpec = { params: { duration: { type: DURATION, doc: 'How long, e.g. 5s or 1h 30min.', required: true } } };

  static validate(p: Params, where: Where): DelayStep {
    const ns = p.duration('duration');
    p.done();
    return new DelayStep(where, ns);
  }

  constructor(
    where: Where,
    readonly ns: bigint,
  ) {
    super(DelayStep.keyword, where);
  }

  describe(): string {
    return `delay ${formatDuration(this.ns)}`;
  }

  override budgetNs(): bigint {
    return this.ns;
  }

  async run(ctx: ScenarioContext): Promise<void> {
    await ctx.runFor(this.ns);
  }
}
