// `wait-serial: /MQTT connected/` waits for a line on the ESP's serial port.
import type { ScenarioContext } from '../context.ts';
import { formatDuration, formatVirtual } from '../duration.ts';
import { textMatcher, type TextMatcher } from '../matchers.ts';
import { MATCHER, type ParamSpec } from '../param-spec.ts';
import type { Params } from '../params.ts';
import type { Where } from '../source.ts';
import { BaseStep, failure, lastFew, quote } from './base.ts';
import { describeWatch, readWatch, watch, WATCH_PARAMS, type WatchOptions } from './watch.ts';

type Line = { tNs: bigint; text: string };
const showLine = (l: Line): string => `${quote(l.text)} at ${formatVirtual(l.tNs)}`;

export class WaitSerialStep extends BaseStep {
  static readonly keyword = 'wait-serial';
  static readonly shorthand = 'match';
  static readonly doc = 'Waits for a line on the ESP8266\'s serial port.';
  static readonly spec: ParamSpec = { params: { match: { type: MATCHER, doc: 'Text the line must contain, or /regex/flags.', required: true }, ...WATCH_PARAMS } };

  static validate(p: Params, where: Where): WaitSerialStep {
    const m = p.parsed('match', textMatcher);
    const o = readWatch(p);
    p.done();
    return new WaitSerialStep(where, m, o);
  }

  constructor(
    where: Where,
    readonly match: TextMatcher,
    readonly opts: WatchOptions,
  ) {
    super(WaitSerialStep.keyword, where);
  }

  get looksBack(): boolean {
    return this.opts.since === 'boot';
  }

  describe(): string {
    return `wait-serial ${describeWatch(this.match.shown, this.opts)}`;
  }

  override budgetNs(): bigint {
    return this.opts.timeoutNs;
  }

  async run(ctx: ScenarioContext): Promise<void> {
    const w = await watch(ctx, this.opts, () => ctx.serialLines(), (l) => this.match.test(l.text));
    const what = `serial line matching ${this.match.shown}`;
    if (this.opts.absent && w.hit) throw failure(ctx, `no ${what} for ${formatDuration(this.opts.timeoutNs)}`, showLine(w.hit));
    if (!this.opts.absent && !w.hit) throw failure(ctx, `a ${what} ${describeWatch('', this.opts).trim()}`, lastFew(w.window, showLine, ['serial line', 'serial lines']));
  }
}
