// `- esp-reset` cuts the ESP8266's power and boots it again: RAM, Wi-Fi and the MQTT session are
// lost, its flash file system (a staged AVR image and its journal) is kept. GPIO4 lets go of RESET.
import type { ScenarioContext } from '../context.ts';
import type { ParamSpec } from '../param-spec.ts';
import type { Params } from '../params.ts';
import type { Where } from '../source.ts';
import { BaseStep } from './base.ts';

export class EspResetStep extends BaseStep {
  static readonly keyword = 'esp-reset';
  static readonly doc = 'The ESP8266 loses power and boots again: RAM, zones, Wi-Fi and MQTT are gone, its flash file system stays.';
  static readonly spec: ParamSpec = { params: {} };

  static validate(p: Params, where: Where): EspResetStep {
    p.done();
    return new EspResetStep(where);
  }

  constructor(where: Where) {
    super(EspResetStep.keyword, where);
  }

  describe(): string {
    return 'esp-reset';
  }

  async run(ctx: ScenarioContext): Promise<void> {
    await ctx.espReset();
  }
}
