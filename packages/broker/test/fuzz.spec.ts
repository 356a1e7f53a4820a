// MQTT framing and decoding, mosquitto.conf, ACL and CRL under arbitrary input.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import mqtt, { type Packet } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { FrameDecoder, MqttDecodeError, MqttFrameError, MqttFramer, parseAcl, parseMosquittoConf } from '../src/index.ts';
import { parseCrls } from '../src/pki/crl.ts';
import { assertParser, bytesNear, textNear } from '../../../scripts/reliability/fuzz.ts';

const PKI = join(import.meta.dirname, '../../../fixtures/pki');
const located = (prefix: string) => (e: unknown) => e instanceof Error && e.constructor === Error && e.message.startsWith(prefix);

const SAMPLE_PACKETS: Packet[] = [
  { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'sec_mqtt_client_00_03', keepalive: 15, username: 'u', password: Buffer.from('p') },
  { cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: 'irrigation/zone/on', qos: 0 }, { topic: 'irrigation/#', qos: 1 }] },
  { cmd: 'publish', topic: 'irrigation/zone/on', payload: Buffer.from('2 120'), qos: 1, messageId: 3, retain: false, dup: false },
  { cmd: 'publish', topic: 'irrigation/log', payload: Buffer.alloc(300, 0x61), qos: 0, retain: true, dup: false },
  { cmd: 'unsubscribe', messageId: 4, unsubscriptions: ['irrigation/#'] },
  { cmd: 'pubrel', messageId: 5 },
  { cmd: 'pingreq' },
  { cmd: 'disconnect' },
];
const stream = Buffer.concat(SAMPLE_PACKETS.map((p) => mqtt.generate(p)));

describe('fuzz: MQTT framer and packet decode (broker side)', () => {
  it('any byte stream, in any chunking, gives whole frames or a located MqttFrameError; each frame decodes or gives MqttDecodeError', () => {
    const input = fc.tuple(bytesNear([stream]), fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 20 }), fc.boolean());
    assertParser(input, {
      parse: ([bytes, cuts, limits]) => {
        const framer = new MqttFramer(limits ? { maxPacketSize: 200, messageSizeLimit: 50, onDropped: () => undefined } : {});
        const frames: Buffer[] = [];
        for (let at = 0, i = 0; at < bytes.length; i++) {
          const n = cuts[i % cuts.length]!;
          frames.push(...framer.push(Buffer.from(bytes.subarray(at, at + n))));
          at += n;
        }
        let decoder = new FrameDecoder();
        const packets: (Packet | MqttDecodeError)[] = [];
        for (const f of frames) {
          try {
            packets.push(decoder.decode(f));
          } catch (e) {
            if (!(e instanceof MqttDecodeError)) throw e;
            packets.push(e);
            decoder = new FrameDecoder(); // the connection closes after a bad packet
          }
        }
        return { frames, packets, limits };
      },
      ownError: (e) => e instanceof MqttFrameError && Number.isInteger(e.offset) && e.message.includes(`stream offset ${e.offset}`),
      valid: (r) => {
        const { frames, limits } = r as { frames: Buffer[]; limits: boolean };
        for (const f of frames) {
          expect(f.length).toBeGreaterThanOrEqual(2);
          if (limits) expect(f.length).toBeLessThanOrEqual(200);
        }
      },
    });
  });

  it('the valid stream itself frames and decodes back to the packets', () => {
    const frames = new MqttFramer().push(stream);
    const d = new FrameDecoder();
    expect(frames.map((f) => d.decode(f).cmd)).toEqual(SAMPLE_PACKETS.map((p) => p.cmd));
  });
});

describe('fuzz: mosquitto.conf, ACL and CRL text', () => {
  const conf = readFileSync(join(PKI, 'mosquitto.conf'), 'utf8');
  const acl = readFileSync(join(PKI, 'acl'), 'utf8');
  const crl = readFileSync(join(PKI, 'ca.crl'), 'utf8');

  it('mosquitto.conf: a configuration or an Error at fuzz.conf[:line]', () => {
    assertParser(textNear([conf, 'listener 8883\nmax_packet_size 1000\n']), { parse: (t) => parseMosquittoConf(t, 'fuzz.conf', PKI), ownError: located('fuzz.conf') }, 200);
  });

  it('acl_file: rules or an Error at fuzz.acl:line', () => {
    assertParser(textNear([acl, 'pattern readwrite irrigation/%c/#\ntopic deny #\n']), { parse: (t) => parseAcl(t, 'fuzz.acl'), ownError: located('fuzz.acl:') });
  });

  it('crlfile: CRLs or an Error naming fuzz.crl', () => {
    assertParser(textNear([crl]), { parse: (t) => parseCrls(t, 'fuzz.crl'), ownError: located('fuzz.crl: ') }, 200);
  });
});
