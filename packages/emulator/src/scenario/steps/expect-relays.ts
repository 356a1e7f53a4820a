// `expect-relays: [2]` checks which zones are energised right now.
import type { ScenarioContext } from '../context.ts';
import type { Params } from '../params.ts';
import type { Where } from '../source.ts';
import { BaseStep, failure } from './base.ts';
import { readZones, sameZones, showZones } from './zones.ts';

export class ExpectRelaysStep extends BaseStep {
  static readonly keyword = 'expect-relays';
  static readonly shorthand = 'zones';

  static validate(p: Params, where: Where): ExpectRelaysStep {
    const zones = readZones(p, 'zones');
    p.done();
    return new ExpectRelaysStep(where, zones);
  }

  constructor(
    where: Where,
    readonly zones: number[],
  ) {
    super(ExpectRelaysStep.keyword, where);
  }

  describe(): string {
    return `expect-relays ${showZones(this.zones)}`;
  }

  async run(ctx: ScenarioContext): Promise<void> {
    const on = ctx.relaysOn();
    if (!sameZones(on, this.zones)) throw failure(ctx, `relays ${showZones(this.zones)} energised`, showZones([...on].sort((a, b) => a - b)));
  }
}
