// `wait-mqtt: {topic: irrigation/#, payload: "2 120"}` waits for a PUBLISH seen at the broker.
import type { ScenarioContext } from '../context.ts';
import { formatDuration, formatVirtual } from '../duration.ts';
import { textMatcher, TOPIC_FILTER_PATTERN, topicFilterError, topicMatches, type TextMatcher } from '../matchers.ts';
import { MATCHER, patterned, TEXT, type ParamSpec } from '../param-spec.ts';
import type { Params } from '../params.ts';
import type { Where } from '../source.ts';
import { BaseStep, failure, lastFew, quote } from './base.ts';
import { describeWatch, readWatch, watch, WATCH_PARAMS, type WatchOptions } from './watch.ts';

type Seen = { tNs: bigint; topic: string; payload: Buffer; from: string };
const showSeen = (m: Seen): string => `${m.topic} ${quote(m.payload.toString('utf8'))} from ${m.from || '?'} at ${formatVirtual(m.tNs)}`;

export class WaitMqttStep extends BaseStep {
  static readonly keyword = 'wait-mqtt';
  static readonly shorthand = 'topic';
  static readonly doc = 'Waits for a PUBLISH the broker accepted.';
  static readonly spec: ParamSpec = {
    params: {
      topic: { type: patterned('topic-filter', TOPIC_FILTER_PATTERN, 'a topic filter: + stands for a whole level, # for the whole last level'), doc: 'A topic filter: + matches one level, # the rest.', required: true },
      payload: { type: MATCHER, doc: 'Text the payload must contain, or /regex/flags.' },
      from: { type: TEXT, doc: 'The publishing client\'s id.' },
      ...WATCH_PARAMS,
    },
  };

  static validate(p: Params, where: Where): WaitMqttStep {
    const topic = p.string('topic');
    const bad = topicFilterError(topic, true);
    if (bad) p.fail('topic', bad);
    const payload = p.has('payload') ? p.parsed('payload', textMatcher) : undefined;
    const from = p.optString('from');
    const o = readWatch(p);
    p.done();
    return new WaitMqttStep(where, topic, payload, from, o);
  }

  constructor(
    where: Where,
    readonly topic: string,
    readonly payload: TextMatcher | undefined,
    readonly from: string | undefined,
    readonly opts: WatchOptions,
  ) {
    super(WaitMqttStep.keyword, where);
  }

  get looksBack(): boolean {
    return this.opts.since === 'boot';
  }

  private what(): string {
    return [this.topic, this.payload?.shown, this.from && `from ${this.from}`].filter(Boolean).join(' ');
  }

  describe(): string {
    return `wait-mqtt ${describeWatch(this.what(), this.opts)}`;
  }

  override budgetNs(): bigint {
    return this.opts.timeoutNs;
  }

  private matches(m: Seen): boolean {
    if (!topicMatches(this.topic, m.topic)) return false;
    if (this.from !== undefined && m.from !== this.from) return false;
    return this.payload === undefined || this.payload.test(m.payload.toString('utf8'));
  }

  async run(ctx: ScenarioContext): Promise<void> {
    const w = await watch(ctx, this.opts, () => ctx.mqttSeen(), (m) => this.matches(m));
    const what = `PUBLISH ${this.what()} at the broker`;
    if (this.opts.absent && w.hit) throw failure(ctx, `no ${what} for ${formatDuration(this.opts.timeoutNs)}`, showSeen(w.hit));
    if (!this.opts.absent && !w.hit) throw failure(ctx, `a ${what} ${describeWatch('', this.opts).trim()}`, lastFew(w.window, showSeen, ['PUBLISH', 'PUBLISHes']));
  }
}
