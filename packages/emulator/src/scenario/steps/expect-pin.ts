// `expect-pin: {pin: avr:PD2, level: low}` checks one pin's level now.
import type { ScenarioContext } from '../context.ts';
import type { Params } from '../params.ts';
import type { Where } from '../source.ts';
import { BaseStep, failure } from './base.ts';

// ATmega168 ports B..D (datasheet §13) plus RESET; ESP8266 GPIO0..GPIO16.
const PIN_NAMES = { avr: /^(P[BCD][0-7]|RESET)$/, esp: /^GPIO([0-9]|1[0-6])$/ } as const;
const LEVELS: Record<string, 0 | 1> = { '0': 0, '1': 1, low: 0, high: 1 };

export class ExpectPinStep extends BaseStep {
  static readonly keyword = 'expect-pin';

  static validate(p: Params, where: Where): ExpectPinStep {
    const spec = p.string('pin');
    const m = /^(avr|esp):(.+)$/.exec(spec);
    if (!m) p.fail('pin', `expected chip:pin like avr:PD2 or esp:GPIO16, got "${spec}"`);
    const chip = m[1] as 'avr' | 'esp';
    if (!PIN_NAMES[chip].test(m[2]!)) p.fail('pin', `no pin "${m[2]}" on the ${chip} (${chip === 'avr' ? 'PB0..PD7, RESET' : 'GPIO0..GPIO16'})`);
    const level = LEVELS[p.oneOf('level', ['0', '1', 'low', 'high'] as const)]!;
    p.done();
    return new ExpectPinStep(where, chip, m[2]!, level);
  }

  constructor(
    where: Where,
    readonly chip: 'avr' | 'esp',
    readonly pin: string,
    readonly level: 0 | 1,
  ) {
    super(ExpectPinStep.keyword, where);
  }

  describe(): string {
    return `expect-pin ${this.chip}:${this.pin} ${this.level ? 'high' : 'low'}`;
  }

  async run(ctx: ScenarioContext): Promise<void> {
    const seen = ctx.pin(this.chip, this.pin);
    const want = `${this.chip}:${this.pin} ${this.level ? 'high' : 'low'}`;
    if (seen === undefined) throw failure(ctx, want, `no such pin in this world`);
    if (seen !== this.level) throw failure(ctx, want, seen ? 'high' : 'low');
  }
}
