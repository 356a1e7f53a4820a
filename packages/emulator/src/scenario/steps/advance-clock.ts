// `advance-clock: 400d` jumps the world's UTC forward without spending virtual
// time (certificate expiry without running a year of loop()).
import type { ScenarioContext } from '../context.ts';
import { formatDuration } from '../duration.ts';
import { DURATION, type ParamSpec } from '../param-spec.ts';
import type { Params } from '../params.ts';
import type { Where } from '../source.ts';
import { BaseStep } from './base.ts';

export class AdvanceClockStep extends BaseStep {
  static readonly keyword = 'advance-clock';
  static readonly shorthand = 'by';
  static readonly doc = 'Moves the world\'s UTC forward without spending virtual time (certificate expiry without running the days).';
  static readonly spec: ParamSpec = { params: { by: { type: DURATION, doc: 'How far, e.g. 400d.', required: true } } };

  static validate(p: Params, where: Where): AdvanceClockStep {
    const ns = p.duration('by');
    p.done();
    return new AdvanceClockStep(where, ns);
  }

  constructor(
    where: Where,
    readonly ns: bigint,
  ) {
    super(AdvanceClockStep.keyword, where);
  }

  describe(): string {
    return `advance-clock ${formatDuration(this.ns)}`;
  }

  async run(ctx: ScenarioContext): Promise<void> {
    ctx.advanceUtc(this.ns);
  }
}
