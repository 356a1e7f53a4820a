// esphil ota-avr <image.hex|.elf>: signs an ATmega168 image with the operator's OTA key and sends
// it to a node over a real broker (mutual TLS, the operator certificate), as docs/ota.md
// specifies; prints progress and the node's verdict. Exit 0 done, 1 the node refused or failed,
// 2 unusable input (image, keys, broker unreachable).
import { connectAsync, type MqttClient } from 'mqtt';
import { MQTT_CLIENT_ID, otaStatusTopic } from '@esphil/esp-model';
import { readAvrImage, signAvrImage } from '../ota/image.ts';
import { runOtaUpdate, type OtaLink } from '../ota/session.ts';
import { PKI } from '../world/defaults.ts';
import { realSetTimeout } from '../world/clock.ts';
import { EXIT_OK, UsageError } from './errors.ts';
import { defineCommand, parseCommand } from './flags.ts';
import { readOperatorPkiFlag } from './pki.ts';

export const command = defineCommand({
  name: 'ota-avr',
  args: '<image.hex|image.elf>',
  summary: "sign an ATmega168 image and send it to the node over MQTT; print progress and the node's verdict",
  flags: {
    pki: { kind: 'string', arg: 'DIR', default: PKI, defaultText: 'fixtures/pki', meaning: 'ca.crt, operator.crt/.key and ota-signing.key come from DIR (an operator-only folder is enough), checked before anything starts' },
    broker: { kind: 'string', arg: 'URL', default: 'mqtts://127.0.0.1:8883', meaning: 'the broker, mqtts://HOST:PORT (esphil serve prints its port)' },
    node: { kind: 'string', arg: 'ID', default: MQTT_CLIENT_ID, meaning: 'client id of the node, whose status topic carries the answers' },
    json: { kind: 'boolean', meaning: 'one JSON object per line: {"event":"status",...}, then {"event":"verdict",...}' },
  },
  notes: 'exit 0 when the node reports done, 1 when it refuses or fails the update, 2 for unusable input',
});

const EXIT_REFUSED = 1;

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(command, argv);
  if (!parsed) return EXIT_OK;
  const { flags, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('esphil ota-avr: give exactly one image (.hex or .elf); see esphil help ota-avr');
  const image = readAvrImage(positionals[0]!);
  // An operator-only folder is enough: the broker's and the node's files are not needed here.
  const pki = readOperatorPkiFlag('ota-avr', flags.pki);
  const signed = signAvrImage(image, pki.otaSigning.pem);
  let url: URL;
  try {
    url = new URL(flags.broker);
  } catch {
    throw new UsageError(`esphil ota-avr: --broker ${JSON.stringify(flags.broker)} is not a URL (mqtts://HOST:PORT)`);
  }
  if (url.protocol !== 'mqtts:') throw new UsageError(`esphil ota-avr: --broker must be mqtts:// (the broker requires TLS), got ${url.protocol}`);
  const say = (obj: Record<string, unknown>, text: string) => console.log(flags.json ? JSON.stringify(obj) : text);

  let client: MqttClient;
  try {
    client = await connectAsync(url.href, {
      ca: pki.ca.pem,
      cert: pki.operator.certPem,
      key: pki.operator.keyPem,
      protocolVersion: 4,
      clientId: `esphil-ota-${process.pid}`,
      reconnectPeriod: 1000,
      connectTimeout: 15_000,
    }, false); // the first connect must succeed; later drops reconnect and the update resynchronises
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`esphil ota-avr: cannot connect to ${url.href}: ${(e as Error).message}`);
  }
  try {
    const status = otaStatusTopic(flags.node);
    const queue: string[] = [];
    let wake: (() => void) | null = null;
    client.on('message', (topic, payload) => {
      if (topic !== status) return;
      queue.push(payload.toString('utf8'));
      wake?.();
    });
    await client.subscribeAsync(status, { qos: 0 });
    const link: OtaLink = {
      publish: async (topic, payload) => void (await client.publishAsync(topic, payload, { qos: 1 })),
      nextStatus: (ms) =>
        new Promise((resolve) => {
          if (queue.length) return resolve(queue.shift()!);
          const timer = realSetTimeout(() => {
            wake = null;
            resolve(null);
          }, ms);
          wake = () => {
            clearTimeout(timer);
            wake = null;
            resolve(queue.shift()!);
          };
        }),
    };
    say({ event: 'image', bytes: image.length, sha256: signed.sha256 }, `esphil ota-avr: ${positionals[0]} — ${image.length} bytes, SHA-256 ${signed.sha256}`);
    const r = await runOtaUpdate(link, signed, {
      progress: ({ status: s, total }) => {
        const ack = /^(ack|ready) (\d+)$/.exec(s);
        if (ack) say({ event: 'status', status: s, sent: Number(ack[2]), total }, `  ${ack[1] === 'ready' ? 'node ready at' : 'sent'} ${ack[2]}/${total} bytes`);
        else say({ event: 'status', status: s }, `  node: ${s}`);
      },
    });
    const ok = r.verdict.startsWith('done');
    say({ event: 'verdict', ok, verdict: r.verdict }, `esphil ota-avr: ${ok ? 'updated' : 'not updated'} — ${r.verdict}`);
    return ok ? EXIT_OK : EXIT_REFUSED;
  } finally {
    await client.endAsync(true);
  }
}
