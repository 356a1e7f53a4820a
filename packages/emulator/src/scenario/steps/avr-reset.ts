// `- avr-reset` pulses the ATmega168's RESET; the firmware restarts with all relays off
// (PORTD = 0xFF), and they stay off until the ESP sends its next byte (it sends only on change).
import type { ScenarioContext } from '../context.ts';
import type { ParamSpec } from '../param-spec.ts';
import type { Params } from '../params.ts';
import type { Where } from '../source.ts';
import { BaseStep } from './base.ts';

export class AvrResetStep extends BaseStep {
  static readonly keyword = 'avr-reset';
  static readonly doc = 'Pulses the ATmega168\'s RESET: the firmware restarts with every relay off.';
  static readonly spec: ParamSpec = { params: {} };

  static validate(p: Params, where: Where): AvrResetStep {
    p.done();
    return new AvrResetStep(where);
  }

  constructor(where: Where) {
    super(AvrResetStep.keyword, where);
  }

  describe(): string {
    return 'avr-reset';
  }

  async run(ctx: ScenarioContext): Promise<void> {
    await ctx.avrReset();
  }
}
