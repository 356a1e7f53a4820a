// `ota-avr: {image: relay-v2.hex}` signs the image with the operator's OTA key and sends it to
// the node over MQTT (docs/ota.md), in virtual time, and expects the node's verdict.
//   expect: done (default) or an error code the node must answer (bad-signature, bad-hash, ...)
//   key: another signing key (a rogue one); device: "1E 95 0F" names another part in the manifest;
//   tamper: true flips an image byte after signing; chunks: N stops after N chunks (interrupted);
//   until: programming returns once the node has started writing the AVR;
//   resume-from: the offset the node must say it already holds.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { otaStatusTopic, MQTT_CLIENT_ID } from '@esphil/esp-model';
import type { ScenarioContext } from '../context.ts';
import { StepFailure } from '../errors.ts';
import { BOOL, COUNT, FILE, oneOf, patterned, TEXT, type ParamSpec } from '../param-spec.ts';
import type { Params } from '../params.ts';
import type { Where } from '../source.ts';
import { readAvrImage, signAvrImage, type SignOptions } from '../../ota/image.ts';
import { OTA_STALL_LIMIT_MS, OTA_VERDICT_TIMEOUT_MS, runOtaUpdate, type OtaLink } from '../../ota/session.ts';
import { BaseStep, failure } from './base.ts';
import { readInput } from '../../world/defaults.ts';

const NS_PER_MS = 1_000_000n;
/** A device signature as the datasheet prints it: three hex bytes, "1E 94 06". */
const DEVICE_PATTERN = '^\\s*[0-9A-Fa-f]{1,2}\\s+[0-9A-Fa-f]{1,2}\\s+[0-9A-Fa-f]{1,2}\\s*$';

export class OtaAvrStep extends BaseStep {
  static readonly keyword = 'ota-avr';
  static readonly shorthand = 'image';
  static readonly doc = 'Signs an AVR image with the operator\'s OTA key and sends it to a node built with ota: true (docs/ota.md); fails when the node\'s verdict differs.';
  static readonly spec: ParamSpec = {
    params: {
      image: { type: FILE, doc: 'The .hex or .elf to send, relative to the scenario file.', required: true },
      expect: { type: TEXT, doc: 'The node\'s verdict: done, or the error code it must answer (bad-signature, bad-hash, wrong-device, too-large...). Default done; stopped with chunks; programming with until.' },
      key: { type: FILE, doc: 'Sign with this private key file instead of the operator\'s (a rogue key).' },
      device: { type: patterned('device', DEVICE_PATTERN, 'three hex bytes, e.g. "1E 95 0F"'), doc: 'Three hex bytes naming another part in the manifest, e.g. "1E 95 0F".' },
      tamper: { type: BOOL, doc: 'Change an image byte after signing.', default: false },
      chunks: { type: COUNT, doc: 'Send only this many chunks (an interrupted transfer).' },
      until: { type: oneOf(['programming']), doc: 'programming: return once the node has started writing the AVR.' },
      'resume-from': { type: COUNT, doc: 'The offset the node must say it already holds.' },
    },
  };

  static validate(p: Params, where: Where): OtaAvrStep {
    const dir = dirname(resolve(where.src.file));
    const file = (key: string) => {
      const f = resolve(dir, p.string(key));
      if (!existsSync(f)) p.fail(key, `file not found: ${f}`);
      return f;
    };
    const imagePath = file('image');
    let image: Uint8Array;
    try {
      image = readAvrImage(imagePath);
    } catch (e) {
      return p.fail('image', (e as Error).message);
    }
    const key = p.has('key') ? file('key') : undefined;
    let device: SignOptions['device'];
    if (p.has('device')) {
      const text = p.string('device');
      if (!new RegExp(DEVICE_PATTERN).test(text)) p.fail('device', 'expected three hex bytes, e.g. "1E 95 0F"');
      device = text.trim().split(/\s+/).map((b) => Number.parseInt(b, 16)) as unknown as SignOptions['device'];
    }
    const tamper = p.bool('tamper', false);
    const chunks = p.has('chunks') ? p.count('chunks') : undefined;
    const until = p.has('until') ? p.oneOf('until', ['programming'] as const) : undefined;
    const expect = p.optString('expect') ?? (chunks !== undefined ? 'stopped' : until ?? 'done');
    const resumeFrom = p.has('resume-from') ? p.count('resume-from') : undefined;
    p.done();
    return new OtaAvrStep(where, p.string('image'), image, { key: key && p.string('key'), keyPath: key, device, tamper, chunks, until, expect, resumeFrom });
  }

  constructor(
    where: Where,
    /** As the scenario writes it (reports and traces stay the same wherever the tree is). */
    readonly imagePath: string,
    readonly image: Uint8Array,
    readonly o: { key?: string; keyPath?: string; device?: SignOptions['device']; tamper: boolean; chunks?: number; until?: 'programming'; expect: string; resumeFrom?: number },
  ) {
    super(OtaAvrStep.keyword, where);
  }

  describe(): string {
    const extra = [
      this.o.key && `key ${this.o.key}`,
      this.o.device && `device ${this.o.device.map((b) => b.toString(16).padStart(2, '0')).join(' ')}`,
      this.o.tamper && 'tampered',
      this.o.chunks !== undefined && `${this.o.chunks} chunks`,
      this.o.resumeFrom !== undefined && `resume from ${this.o.resumeFrom}`,
    ].filter(Boolean);
    return `ota-avr ${this.imagePath} (${this.image.length} bytes${extra.length ? ', ' + extra.join(', ') : ''}) expect ${this.o.expect}`;
  }

  override budgetNs(): bigint {
    return BigInt(OTA_STALL_LIMIT_MS + OTA_VERDICT_TIMEOUT_MS) * NS_PER_MS;
  }

  async run(ctx: ScenarioContext): Promise<void> {
    const keyPem = this.o.keyPath ? readInput(this.o.keyPath, 'OTA signing key') : ctx.otaSigningKeyPem();
    const signed = signAvrImage(this.image, keyPem, { device: this.o.device, tamper: this.o.tamper });
    const r = await runOtaUpdate(scenarioLink(ctx), signed, { maxChunks: this.o.chunks, untilProgramming: this.o.until === 'programming' });
    const verdict = r.verdict.startsWith('done') ? 'done' : r.verdict.startsWith('error ') ? r.verdict.split(' ')[1]! : r.verdict;
    if (verdict !== this.o.expect) throw failure(ctx, `the node's verdict ${this.o.expect}`, `${r.verdict} (statuses: ${r.statuses.slice(-6).join(', ') || 'none'})`);
    if (this.o.resumeFrom !== undefined && r.resumedFrom !== this.o.resumeFrom) {
      throw new StepFailure(`expected the node to resume from byte ${this.o.resumeFrom}, it said it held ${r.resumedFrom}`);
    }
  }
}

/** The operator's publishes and the node's status topic, in the world's virtual time. */
function scenarioLink(ctx: ScenarioContext): OtaLink {
  const topic = otaStatusTopic(MQTT_CLIENT_ID);
  let cursor = ctx.mqttSeen().length;
  const take = (): string | null => {
    const seen = ctx.mqttSeen();
    while (cursor < seen.length) {
      const m = seen[cursor++]!;
      if (m.topic === topic && m.from === MQTT_CLIENT_ID) return m.payload.toString('utf8');
    }
    return null;
  };
  return {
    publish: (t, payload) => ctx.publish(t, payload, { qos: 0, retain: false }),
    async nextStatus(timeoutMs) {
      let hit: string | null = null;
      await ctx.runUntil(() => (hit = take()) !== null, BigInt(timeoutMs) * NS_PER_MS);
      return hit;
    },
  };
}
