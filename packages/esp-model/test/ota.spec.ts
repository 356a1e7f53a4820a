// The node's side of the signed AVR update (docs/ota.md) and of the STK500 v1 server, without
// an AVR: every answer that comes before the programmer touches the chip. Programming itself is
// tested end to end in the emulator (fixtures/scenarios/ota, avrdude).
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FlashFs } from '../src/core/flash-fs.ts';
import { Gpio } from '../src/core/gpio.ts';
import { Heap } from '../src/core/heap.ts';
import { SPIClass } from '../src/core/spi.ts';
import { AvrIsp } from '../src/firmware/ota/avr-isp.ts';
import { MqttAvrUpdate } from '../src/firmware/ota/mqtt-update.ts';
import { CRC_EOP, STK_GET_SIGN_ON, STK_GET_SYNC, STK_INSYNC, STK_NOSYNC, STK_OK, STK_UNKNOWN, Stk500Programmer } from '../src/firmware/ota/stk500.ts';
import {
  TOPIC_OTA_ABORT,
  TOPIC_OTA_BEGIN,
  TOPIC_OTA_CHUNK,
  TOPIC_OTA_END,
  encodeManifest,
  MQTT_MAX_PACKET_SIZE,
  TOPIC_OTA_FILTER,
} from '../src/index.ts';
import { CpuHarness } from './helpers/cpu-driver.ts';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rogue = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const PUB = publicKey.export({ type: 'spki', format: 'pem' }) as string;

function begin(image: Uint8Array, o: { key?: typeof privateKey; device?: [number, number, number]; length?: number } = {}): Uint8Array {
  const m = encodeManifest({ version: 1, device: o.device ?? [0x1e, 0x94, 0x06], length: o.length ?? image.length, sha256: createHash('sha256').update(image).digest() });
  return Buffer.concat([m, sign('sha256', m, o.key ?? privateKey)]);
}

function chunk(offset: number, data: Uint8Array): Uint8Array {
  const b = Buffer.alloc(4 + data.length);
  b.writeUInt32BE(offset);
  b.set(data, 4);
  return b;
}

/** An AVR that must not be reached: any SPI byte fails the test. */
function untouchableIsp(h: CpuHarness): AvrIsp {
  const gpio = new Gpio(h.cpu, new Map(), () => {
    throw new Error('GPIO driven: the AVR was touched');
  });
  const spi = new SPIClass(h.cpu, {
    transfer: () => {
      throw new Error('SPI byte sent: the AVR was touched');
    },
  });
  spi.begin();
  return new AvrIsp({ cpu: h.cpu, gpio, spi });
}

function node(fs = new FlashFs(), publish?: (text: string) => boolean) {
  const h = new CpuHarness();
  const statuses: string[] = [];
  const u = new MqttAvrUpdate(
    {
      cpu: h.cpu,
      heap: new Heap(),
      fs,
      isp: untouchableIsp(h),
      status: publish ?? ((t) => (statuses.push(t), true)),
      event: () => {},
      sendRelayByte: () => {
        throw new Error('relay byte sent');
      },
      restoreRelays: async () => {},
      relayBitmap: () => 0,
    },
    PUB,
  );
  return { h, u, statuses, fs };
}

const image = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);

describe('signed AVR update, node side (docs/ota.md)', () => {
  it('every message fits PubSubClient\'s 256-byte buffer', () => {
    expect(5 + 2 + TOPIC_OTA_CHUNK.length + 4 + 128).toBeLessThanOrEqual(MQTT_MAX_PACKET_SIZE);
    expect(5 + 2 + TOPIC_OTA_BEGIN.length + begin(image).length).toBeLessThanOrEqual(MQTT_MAX_PACKET_SIZE);
    expect(TOPIC_OTA_FILTER).toBe('irrigation/ota/avr/#');
  });

  it('refuses before staging: bad manifest, bad signature, another device, too large', () => {
    const { u, statuses } = node();
    u.onMessage(TOPIC_OTA_BEGIN, begin(image).subarray(0, 40));
    u.onMessage(TOPIC_OTA_BEGIN, begin(image, { key: rogue }));
    u.onMessage(TOPIC_OTA_BEGIN, begin(image, { device: [0x1e, 0x95, 0x0f] }));
    u.onMessage(TOPIC_OTA_BEGIN, begin(image, { length: 16 * 1024 + 2 }));
    u.onMessage(TOPIC_OTA_CHUNK, chunk(0, image.subarray(0, 128)));
    expect(statuses).toEqual(['error bad-manifest', 'error bad-signature', 'error wrong-device 1e950f', 'error too-large 16386', 'error no-update']);
  });

  it('acks chunks in order, re-syncs an out-of-order one, refuses a chunk past the end and an early end', () => {
    const { u, statuses } = node();
    u.onMessage(TOPIC_OTA_BEGIN, begin(image));
    u.onMessage(TOPIC_OTA_CHUNK, chunk(0, image.subarray(0, 128)));
    u.onMessage(TOPIC_OTA_CHUNK, chunk(0, image.subarray(0, 128))); // duplicate
    u.onMessage(TOPIC_OTA_CHUNK, chunk(256, image.subarray(256))); // one lost in between
    u.onMessage(TOPIC_OTA_END, new Uint8Array(0));
    u.onMessage(TOPIC_OTA_CHUNK, chunk(128, new Uint8Array(200)));
    u.onMessage(TOPIC_OTA_CHUNK, chunk(128, image.subarray(128, 256)));
    u.onMessage(TOPIC_OTA_CHUNK, chunk(256, new Uint8Array(128)));
    expect(statuses).toEqual(['ready 0', 'ack 128', 'ack 128', 'ack 128', 'error incomplete 128', 'error bad-chunk length 204', 'ack 256', 'error bad-chunk past the image end at 384']);
  });

  it('resumes a transfer after a restart from what its flash file system staged; abort forgets it', () => {
    const fs = new FlashFs();
    const first = node(fs);
    first.u.onMessage(TOPIC_OTA_BEGIN, begin(image));
    first.u.onMessage(TOPIC_OTA_CHUNK, chunk(0, image.subarray(0, 128)));
    const second = node(fs); // the ESP rebooted: RAM gone, flash kept
    second.u.onMessage(TOPIC_OTA_BEGIN, begin(image));
    second.u.onMessage(TOPIC_OTA_ABORT, new Uint8Array(0));
    second.u.onMessage(TOPIC_OTA_BEGIN, begin(image));
    expect(second.statuses).toEqual(['ready 128', 'aborted', 'ready 0']);
  });

  it('a different image under a new manifest starts the staging over', () => {
    const { u, statuses } = node();
    u.onMessage(TOPIC_OTA_BEGIN, begin(image));
    u.onMessage(TOPIC_OTA_CHUNK, chunk(0, image.subarray(0, 128)));
    u.onMessage(TOPIC_OTA_BEGIN, begin(image.subarray(0, 200)));
    expect(statuses).toEqual(['ready 0', 'ack 128', 'ready 0']);
  });

  it('at end, an image whose hash differs from the signed one is refused and dropped without touching the AVR', async () => {
    const { h, u, statuses } = node();
    u.onMessage(TOPIC_OTA_BEGIN, begin(image));
    const forged = Uint8Array.from(image);
    forged[10]! ^= 1;
    for (let o = 0; o < forged.length; o += 128) u.onMessage(TOPIC_OTA_CHUNK, chunk(o, forged.subarray(o, o + 128)));
    u.onMessage(TOPIC_OTA_END, new Uint8Array(0));
    await h.run(u.loop());
    u.onMessage(TOPIC_OTA_END, new Uint8Array(0));
    expect(statuses.slice(-2)).toEqual(['error bad-hash', 'error no-update']);
  });

  it('holds statuses while the session is down and publishes them in order after', async () => {
    const sent: string[] = [];
    let up = false;
    const { h, u } = node(new FlashFs(), (t) => (up ? (sent.push(t), true) : false));
    u.onMessage(TOPIC_OTA_BEGIN, begin(image, { key: rogue }));
    u.onMessage(TOPIC_OTA_BEGIN, begin(image));
    up = true;
    await h.run(u.loop());
    expect(sent).toEqual(['error bad-signature', 'ready 0']);
  });
});

describe('STK500 v1 framing (ArduinoISP)', () => {
  function stk(input: number[]) {
    const h = new CpuHarness();
    const out: number[] = [];
    const rx = [...input];
    const client = { available: () => rx.length, read: () => rx.shift() ?? -1, write: (b: number[]) => out.push(...b), connected: () => true };
    return { h, out, s: new Stk500Programmer(h.cpu, untouchableIsp(h), client), rx };
  }

  it('answers GET_SYNC and GET_SIGN_ON in sync', async () => {
    const { h, out, s } = stk([STK_GET_SYNC, CRC_EOP, STK_GET_SIGN_ON, CRC_EOP]);
    await h.run(s.serveOne());
    await h.run(s.serveOne());
    expect(out).toEqual([STK_INSYNC, STK_OK, STK_INSYNC, ...Buffer.from('AVR ISP'), STK_OK]);
  });

  it('a command without Sync_CRC_EOP is not run: STK_NOSYNC; an unknown one is STK_UNKNOWN', async () => {
    const { h, out, s } = stk([STK_GET_SYNC, 0x00, 0x99, CRC_EOP]);
    await h.run(s.serveOne());
    await h.run(s.serveOne());
    expect(out).toEqual([STK_NOSYNC, STK_UNKNOWN]);
    expect(s.errorCount).toBe(2);
  });

  it('gives up on a command whose bytes stop coming (1 s) without answering', async () => {
    const { h, out, s } = stk([0x41]); // STK_GET_PARAMETER without its parameter
    expect(await h.run(s.serveOne())).toBe(false);
    expect(out).toEqual([]);
    expect(h.ms).toBe(1000);
  });
});
