// `set-clock: 2027-01-01T00:00:00Z` sets the world's UTC, which the NTP server answers
// from now on; the ESP's own clock follows only at its next NTP sync.
import type { ScenarioContext } from '../context.ts';
import { UTC, type ParamSpec } from '../param-spec.ts';
import type { Params } from '../params.ts';
import type { Where } from '../source.ts';
import { parseUtc } from '../utc.ts';
import { BaseStep } from './base.ts';

export class SetClockStep extends BaseStep {
  static readonly keyword = 'set-clock';
  static readonly shorthand = 'utc';
  static readonly doc = 'Sets the world\'s UTC, which the NTP server answers from now on; the ESP\'s clock follows at its next NTP poll.';
  static readonly spec: ParamSpec = { params: { utc: { type: UTC, doc: '2027-01-01T00:00:00Z, 2027-01-01T02:00:00+02:00 or 2027-01-01.', required: true } } };

  static validate(p: Params, where: Where): SetClockStep {
    const ms = p.parsed('utc', parseUtc);
    p.done();
    return new SetClockStep(where, ms);
  }

  constructor(
    where: Where,
    readonly utcMs: number,
  ) {
    super(SetClockStep.keyword, where);
  }

  describe(): string {
    return `set-clock ${new Date(this.utcMs).toISOString()}`;
  }

  async run(ctx: ScenarioContext): Promise<void> {
    ctx.setUtc(this.utcMs);
  }
}
