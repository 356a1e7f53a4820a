// `wait-relays: {zones: none, timeout: 125s}` waits for a relay state. It is a
// state, not an event: when the relays already match, the step passes at once.
import type { ScenarioContext } from '../context.ts';
import { formatDuration } from '../duration.ts';
import { ZONES, type ParamSpec } from '../param-spec.ts';
import type { Params } from '../params.ts';
import type { Where } from '../source.ts';
import { BaseStep, failure } from './base.ts';
import { DEFAULT_TIMEOUT_NS, TIMEOUT_PARAM } from './watch.ts';
import { readZones, sameZones, showZones } from './zones.ts';

export class WaitRelaysStep extends BaseStep {
  static readonly keyword = 'wait-relays';
  static readonly shorthand = 'zones';
  static readonly doc = 'Waits until exactly these zones are energised; passes at once when they already are.';
  static readonly spec: ParamSpec = {
    params: {
      zones: { type: ZONES, doc: 'Zones 0..7: [2], [0, 3], 2, none or [].', required: true },
      timeout: TIMEOUT_PARAM,
    },
  };

  static validate(p: Params, where: Where): WaitRelaysStep {
    const zones = readZones(p, 'zones');
    const timeout = p.duration('timeout', DEFAULT_TIMEOUT_NS);
    p.done();
    return new WaitRelaysStep(where, zones, timeout);
  }

  constructor(
    where: Where,
    readonly zones: number[],
    readonly timeoutNs: bigint,
  ) {
    super(WaitRelaysStep.keyword, where);
  }

  describe(): string {
    return `wait-relays ${showZones(this.zones)} within ${formatDuration(this.timeoutNs)}`;
  }

  override budgetNs(): bigint {
    return this.timeoutNs;
  }

  async run(ctx: ScenarioContext): Promise<void> {
    const ok = () => sameZones(ctx.relaysOn(), this.zones);
    if (ok() || (await ctx.runUntil(ok, this.timeoutNs))) return;
    const seen = showZones([...ctx.relaysOn()].sort((a, b) => a - b));
    throw failure(ctx, `relays ${showZones(this.zones)} energised within ${formatDuration(this.timeoutNs)}`, seen);
  }
}
