// `ntp: withhold` makes the NTP server stop answering (requests go unanswered,
// as when UDP 123 is blocked); `ntp: answer` lets it answer again, so the
// node's next SNTP retry sets its clock.
import type { ScenarioContext } from '../context.ts';
import { oneOf, type ParamSpec } from '../param-spec.ts';
import type { Params } from '../params.ts';
import type { Where } from '../source.ts';
import { BaseStep } from './base.ts';

const STATES = ['answer', 'withhold'] as const;

export class NtpStep extends BaseStep {
  static readonly keyword = 'ntp';
  static readonly shorthand = 'state';
  static readonly doc = 'Whether the NTP server answers from now on; withheld requests are lost and the node\'s SNTP retries.';
  static readonly spec: ParamSpec = { params: { state: { type: oneOf(STATES), doc: 'answer or withhold.', required: true } } };

  static validate(p: Params, where: Where): NtpStep {
    const state = p.oneOf('state', STATES);
    p.done();
    return new NtpStep(where, state);
  }

  constructor(
    where: Where,
    readonly state: 'answer' | 'withhold',
  ) {
    super(NtpStep.keyword, where);
  }

  describe(): string {
    return `ntp ${this.state}`;
  }

  async run(ctx: ScenarioContext): Promise<void> {
    ctx.ntp(this.state === 'answer');
  }
}
