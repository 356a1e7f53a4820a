// `publish: {topic: irrigation/zone/on, payload: "2 120"}` sends as the operator client.
import type { ScenarioContext } from '../context.ts';
import { topicFilterError } from '../matchers.ts';
import type { Params } from '../params.ts';
import type { Where } from '../source.ts';
import { BaseStep, quote } from './base.ts';

export class PublishStep extends BaseStep {
  static readonly keyword = 'publish';

  static validate(p: Params, where: Where): PublishStep {
    const topic = p.string('topic');
    const bad = topicFilterError(topic, false);
    if (bad) p.fail('topic', bad);
    const payload = p.string('payload');
    const qos = Number(p.oneOf('qos', ['0', '1', '2'] as const, '0')) as 0 | 1 | 2;
    const retain = p.bool('retain', false);
    p.done();
    return new PublishStep(where, topic, payload, qos, retain);
  }

  constructor(
    where: Where,
    readonly topic: string,
    readonly payload: string,
    readonly qos: 0 | 1 | 2,
    readonly retain: boolean,
  ) {
    super(PublishStep.keyword, where);
  }

  describe(): string {
    const flags = `${this.qos ? ` qos ${this.qos}` : ''}${this.retain ? ' retain' : ''}`;
    return `publish ${this.topic} ${quote(this.payload)}${flags}`;
  }

  async run(ctx: ScenarioContext): Promise<void> {
    await ctx.publish(this.topic, Buffer.from(this.payload, 'utf8'), { qos: this.qos, retain: this.retain });
  }
}
