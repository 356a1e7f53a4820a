// `expect-relays: [2]` checks which zones are energised right now.
import type { ScenarioContext } from '../context.ts';
import { ZONES, type ParamSpec } from '../param-spec.ts';
import type { Params } from '../params.ts';
import type { Where } from '../source.ts';
import { BaseStep, failure } from './base.ts';
import { readZones, sameZones, showZones } from './zones.ts';

export class ExpectRelaysStep extends BaseStep {
  static readonly keyword = 'expect-relays';
  static readonly shorthand = 'zones';
  static readonly doc = 'Checks that exactly these zones are energised now.';
  static readonly spec: ParamSpec = { params: { zones: { type: ZONES, doc: 'Zones 0..7: [2], [0, 3], 2, none or [].', required: true } } };

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
