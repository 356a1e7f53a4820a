// `expect-pin: {pin: avr:PD2, level: low}` checks one pin's level now.
import type { ScenarioContext } from '../context.ts';
import { oneOf, patterned, type ParamSpec } from '../param-spec.ts';
import type { Params } from '../params.ts';
import type { Where } from '../source.ts';
import { BaseStep, failure } from './base.ts';

// ATmega168 ports B..D (datasheet §13) plus RESET; ESP8266 GPIO0..GPIO16.
const PIN_NAMES = { avr: '(?:P[BCD][0-7]|RESET)', esp: 'GPIO(?:[0-9]|1[0-6])' } as const;
const PIN_PATTERN = `^(?:${Object.entries(PIN_NAMES).map(([chip, pin]) => `${chip}:${pin}`).join('|')})$`;
const LEVELS: Record<string, 0 | 1> = { '0': 0, '1': 1, low: 0, high: 1 };
const LEVEL_WORDS = ['0', '1', 'low', 'high'] as const;

export class ExpectPinStep extends BaseStep {
  static readonly keyword = 'expect-pin';
  static readonly doc = 'Checks one pin\'s level now.';
  static readonly spec: ParamSpec = {
    params: {
      pin: { type: patterned('pin', PIN_PATTERN, 'chip:pin: avr:PB0..avr:PD7, avr:RESET or esp:GPIO0..esp:GPIO16'), doc: 'chip:pin — avr:PB0..avr:PD7, avr:RESET, esp:GPIO0..esp:GPIO16.', required: true },
      level: { type: oneOf(LEVEL_WORDS), doc: '0, 1, low or high.', required: true },
    },
  };

  static validate(p: Params, where: Where): ExpectPinStep {
    const spec = p.string('pin');
    const m = /^(avr|esp):(.+)$/.exec(spec);
    if (!m) p.fail('pin', `expected chip:pin like avr:PD2 or esp:GPIO16, got "${spec}"`);
    const chip = m[1] as 'avr' | 'esp';
    if (!new RegExp(`^${PIN_NAMES[chip]}$`).test(m[2]!)) p.fail('pin', `no pin "${m[2]}" on the ${chip} (${chip === 'avr' ? 'PB0..PD7, RESET' : 'GPIO0..GPIO16'})`);
    const level = LEVELS[p.oneOf('level', LEVEL_WORDS)]!;
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
