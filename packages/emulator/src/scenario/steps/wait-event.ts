// `wait-event: /esp-mqtt-connect-failed.*"sslError":54/` waits for a trace `node` event: the
// model's own findings (esp-boot, esp-heap, esp-mqtt-connect-failed...) that the real board
// never prints, and the world's (wifi, ntp, broker). The text matched is the event as the
// timeline prints it: `what {"detail":...}`.
import type { ScenarioContext } from '../context.ts';
import { formatDuration, formatVirtual } from '../duration.ts';
import { textMatcher, type TextMatcher } from '../matchers.ts';
import { MATCHER, type ParamSpec } from '../param-spec.ts';
import type { Params } from '../params.ts';
import type { Where } from '../source.ts';
import { jsonValue } from '../../trace/jsonl.ts';
import { BaseStep, failure, lastFew, quote } from './base.ts';
import { describeWatch, readWatch, watch, WATCH_PARAMS, type WatchOptions } from './watch.ts';

type NodeEvent = { tNs: bigint; what: string; detail?: Record<string, unknown> };

/** The event's text: its name, then its detail as JSON. */
export function eventText(e: NodeEvent): string {
  return e.detail ? `${e.what} ${JSON.stringify(e.detail, jsonValue)}` : e.what;
}
const showEvent = (e: NodeEvent): string => `${quote(eventText(e))} at ${formatVirtual(e.tNs)}`;

export class WaitEventStep extends BaseStep {
  static readonly keyword = 'wait-event';
  static readonly shorthand = 'match';
  static readonly doc = 'Waits for a trace node event (esp-boot, esp-heap, esp-mqtt-connect-failed, wifi-..., broker-...) whose text `what {detail JSON}` matches.';
  static readonly spec: ParamSpec = { params: { match: { type: MATCHER, doc: 'Text the event must contain, or /regex/flags.', required: true }, ...WATCH_PARAMS } };

  static validate(p: Params, where: Where): WaitEventStep {
    const m = p.parsed('match', textMatcher);
    const o = readWatch(p);
    p.done();
    return new WaitEventStep(where, m, o);
  }

  constructor(
    where: Where,
    readonly match: TextMatcher,
    readonly opts: WatchOptions,
  ) {
    super(WaitEventStep.keyword, where);
  }

  get looksBack(): boolean {
    return this.opts.since === 'boot';
  }

  describe(): string {
    return `wait-event ${describeWatch(this.match.shown, this.opts)}`;
  }

  override budgetNs(): bigint {
    return this.opts.timeoutNs;
  }

  async run(ctx: ScenarioContext): Promise<void> {
    const w = await watch(ctx, this.opts, () => ctx.nodeEvents(), (e) => this.match.test(eventText(e)));
    const what = `node event matching ${this.match.shown}`;
    if (this.opts.absent && w.hit) throw failure(ctx, `no ${what} for ${formatDuration(this.opts.timeoutNs)}`, showEvent(w.hit));
    if (!this.opts.absent && !w.hit) throw failure(ctx, `a ${what} ${describeWatch('', this.opts).trim()}`, lastFew(w.window, showEvent, ['node event', 'node events']));
  }
}
