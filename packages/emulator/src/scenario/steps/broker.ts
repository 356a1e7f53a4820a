// `broker: restart` stops and/or starts the broker; a restarted broker has lost
// every session, so a clean-session client must subscribe again.
import type { ScenarioContext } from '../context.ts';
import { oneOf, type ParamSpec } from '../param-spec.ts';
import type { Params } from '../params.ts';
import type { Where } from '../source.ts';
import { BaseStep } from './base.ts';

const ACTIONS = ['stop', 'start', 'restart'] as const;

export class BrokerStep extends BaseStep {
  static readonly keyword = 'broker';
  static readonly shorthand = 'action';
  static readonly doc = 'Stops, starts or restarts the broker; a restarted broker has lost every session.';
  static readonly spec: ParamSpec = { params: { action: { type: oneOf(ACTIONS), doc: 'stop, start or restart.', required: true } } };

  static validate(p: Params, where: Where): BrokerStep {
    const action = p.oneOf('action', ACTIONS);
    p.done();
    return new BrokerStep(where, action);
  }

  constructor(
    where: Where,
    readonly action: 'stop' | 'start' | 'restart',
  ) {
    super(BrokerStep.keyword, where);
  }

  describe(): string {
    return `broker ${this.action}`;
  }

  async run(ctx: ScenarioContext): Promise<void> {
    await ctx.broker(this.action);
  }
}
