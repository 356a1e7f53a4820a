// `wifi: down` takes the access point off the air; `wifi: up` brings it back.
import type { ScenarioContext } from '../context.ts';
import { oneOf, type ParamSpec } from '../param-spec.ts';
import type { Params } from '../params.ts';
import type { Where } from '../source.ts';
import { BaseStep } from './base.ts';

const STATES = ['up', 'down'] as const;

export class WifiStep extends BaseStep {
  static readonly keyword = 'wifi';
  static readonly shorthand = 'state';
  static readonly doc = 'Puts the access point on or off the air.';
  static readonly spec: ParamSpec = { params: { state: { type: oneOf(STATES), doc: 'up or down.', required: true } } };

  static validate(p: Params, where: Where): WifiStep {
    const state = p.oneOf('state', STATES);
    p.done();
    return new WifiStep(where, state);
  }

  constructor(
    where: Where,
    readonly state: 'up' | 'down',
  ) {
    super(WifiStep.keyword, where);
  }

  describe(): string {
    return `wifi ${this.state}`;
  }

  async run(ctx: ScenarioContext): Promise<void> {
    ctx.wifi(this.state === 'up');
  }
}
