// `ntp: withhold` makes the NTP server stop answering (requests go unanswered,
// as when UDP 123 is blocked); `ntp: answer` lets it answer again, so the
// node's next SNTP retry sets its clock.
import type { ScenarioContext } from '../context.ts';
import type { Params } from '../params.ts';
import type { Where } from '../source.ts';
import { BaseStep } from './base.ts';

export class NtpStep extends BaseStep {
  static readonly keyword = 'ntp';
  static readonly shorthand = 'state';

  static validate(p: Params, where: Where): NtpStep {
    const state = p.oneOf('state', ['answer', 'withhold'] as const);
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
