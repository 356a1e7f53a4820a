// `publish: {topic: irrigation/zone/on, payload: "2 120"}` sends as the operator client.
import type { ScenarioContext } from '../context.ts';
import { topicFilterError } from '../matchers.ts';
import { BOOL, BYTES, oneOf, patterned, TEXT, type ParamSpec } from '../param-spec.ts';
import { TOPIC_NAME_PATTERN } from '../matchers.ts';
import type { Params } from '../params.ts';
import type { Where } from '../source.ts';
import { BaseStep, quote } from './base.ts';
import { readBytes } from './expect-spi.ts';

const QOS = ['0', '1', '2'] as const;

export class PublishStep extends BaseStep {
  static readonly keyword = 'publish';
  static readonly doc = 'Publishes as the operator client (operator.crt).';
  static readonly spec: ParamSpec = {
    params: {
      topic: { type: patterned('topic', TOPIC_NAME_PATTERN, 'a topic name: not empty, without + or #'), doc: 'The topic name, without + or #.', required: true },
      payload: { type: TEXT, doc: 'The payload as text, sent as UTF-8.' },
      'payload-hex': { type: BYTES, doc: 'The payload\'s exact bytes, as expect-spi writes them: "32 00 20 31".' },
      qos: { type: oneOf(QOS), doc: 'MQTT QoS 0, 1 or 2.', default: 0 },
      retain: { type: BOOL, doc: 'Set the RETAIN flag.', default: false },
    },
    anyOf: ['payload', 'payload-hex'],
    atMostOne: ['payload', 'payload-hex'],
  };

  static validate(p: Params, where: Where): PublishStep {
    const topic = p.string('topic');
    const bad = topicFilterError(topic, false);
    if (bad) p.fail('topic', bad);
    // `payload-hex` gives the exact bytes (NUL, 0x80-0xFF); `payload` is text, sent as UTF-8.
    const text = p.has('payload');
    const bytes = p.has('payload-hex') ? readBytes(p, 'payload-hex')! : null;
    if (bytes && text) p.fail('payload-hex', 'give payload or payload-hex, not both');
    const payload = bytes ? Buffer.from(bytes) : Buffer.from(p.string('payload'), 'utf8');
    const qos = Number(p.oneOf('qos', QOS, '0')) as 0 | 1 | 2;
    const retain = p.bool('retain', false);
    p.done();
    return new PublishStep(where, topic, payload, qos, retain);
  }

  constructor(
    where: Where,
    readonly topic: string,
    readonly payload: Buffer,
    readonly qos: 0 | 1 | 2,
    readonly retain: boolean,
  ) {
    super(PublishStep.keyword, where);
  }

  describe(): string {
    const flags = `${this.qos ? ` qos ${this.qos}` : ''}${this.retain ? ' retain' : ''}`;
    const printable = /^[\x20-\x7e]*$/.test(this.payload.toString('latin1'));
    const shown = printable ? quote(this.payload.toString('latin1')) : `0x${this.payload.toString('hex')}`;
    return `publish ${this.topic} ${shown}${flags}`;
  }

  async run(ctx: ScenarioContext): Promise<void> {
    await ctx.publish(this.topic, this.payload, { qos: this.qos, retain: this.retain });
  }
}
