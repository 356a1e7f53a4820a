import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import mqtt from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { MqttFramer, MqttFrameError, PREALLOCATE_MAX_BYTES, type DroppedPublish } from '../src/mqtt/framer.ts';

describe('MqttFramer (MQTT 3.1.1 §2.2.3 Remaining Length)', () => {
  const small = mqtt.generate({ cmd: 'pingreq' });
  const big = mqtt.generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(20_000, 7), qos: 0, retain: false, dup: false });

  it('returns whole packets however the bytes are chunked', () => {
    const f = new MqttFramer();
    const stream = Buffer.concat([small, big, small]);
    const out: Buffer[] = [];
    for (let i = 0; i < stream.length; i += 997) out.push(...f.push(stream.subarray(i, i + 997)));
    expect(out.map((b) => b.length)).toEqual([2, big.length, 2]);
    expect(Buffer.concat(out)).toEqual(stream);
    expect(big.subarray(1, 4)).toEqual(Buffer.from([0xa3, 0x9c, 0x01])); // 20003 in three length bytes
  });

  it('waits for a length split across chunks', () => {
    const f = new MqttFramer();
    expect(f.push(big.subarray(0, 2))).toEqual([]);
    expect(f.push(big.subarray(2))).toEqual([big]);
  });

  it('refuses a fifth length byte with the stream offset', () => {
    const f = new MqttFramer();
    f.push(small);
    expect(() => f.push(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]))).toThrow('malformed Remaining Length at stream offset 2 (more than four bytes)');
  });

  it('splits many packets out of one chunk and one packet out of many one-byte chunks', () => {
    const stream = Buffer.concat(Array.from({ length: 50 }, () => small).concat([big]));
    const whole = new MqttFramer().push(stream);
    expect(whole.length).toBe(51);
    const f = new MqttFramer();
    const out: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) out.push(...f.push(stream.subarray(i, i + 1)));
    expect(out).toEqual(whole);
  });

  it('refuses a packet over max_packet_size from its header alone, with the offset', () => {
    const f = new MqttFramer({ maxPacketSize: 20_000 });
    f.push(small);
    let err: unknown;
    try {
      f.push(big.subarray(0, 4)); // header only: the 20 kB body never arrives
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MqttFrameError);
    expect(err).toMatchObject({ kind: 'too-large', offset: 2, message: `packet of ${big.length} bytes at stream offset 2 exceeds max_packet_size 20000` });
    expect(new MqttFramer({ maxPacketSize: big.length }).push(big)).toEqual([big]);
  });

  it('drops a PUBLISH over message_size_limit as it streams and keeps framing after it', () => {
    const dropped: DroppedPublish[] = [];
    const f = new MqttFramer({ messageSizeLimit: 1000, onDropped: (d) => dropped.push(d) });
    const q1 = mqtt.generate({ cmd: 'publish', topic: 'a/b', payload: Buffer.alloc(1001), qos: 1, messageId: 42, retain: false, dup: false });
    const fits = mqtt.generate({ cmd: 'publish', topic: 'a/b', payload: Buffer.alloc(1000), qos: 0, retain: false, dup: false });
    const stream = Buffer.concat([q1, fits, small]);
    const out: Buffer[] = [];
    for (let i = 0; i < stream.length; i += 7) out.push(...f.push(stream.subarray(i, i + 7)));
    expect(out).toEqual([fits, small]);
    expect(dropped).toEqual([{ topic: 'a/b', qos: 1, messageId: 42, payloadBytes: 1001, offset: 0 }]);
    // whole in one chunk too, QoS 0 has no packet id
    const d2: DroppedPublish[] = [];
    const g = new MqttFramer({ messageSizeLimit: 10, onDropped: (d) => d2.push(d) });
    expect(g.push(Buffer.concat([big, small]))).toEqual([small]);
    expect(d2).toEqual([{ topic: 't', qos: 0, payloadBytes: 20_000, offset: 0 }]);
  });
});

describe('MqttFramer allocation', () => {
  const CHUNK = 16_384; // one TLS record's plaintext
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const publish = (payloadBytes: number) => mqtt.generate({ cmd: 'publish', topic: 'flood', payload: Buffer.alloc(payloadBytes, 0x61), qos: 0, retain: false, dup: false });

  it('copies each chunk into one Buffer of the packet\'s exact size and holds no chunk it has read', async () => {
    const packet = publish(1 << 20);
    const f = new MqttFramer();
    const chunks: WeakRef<ArrayBufferLike>[] = [];
    const out: Buffer[] = [];
    for (let i = 0; i < packet.length; i += CHUNK) {
      const chunk = Buffer.from(packet.subarray(i, i + CHUNK)); // a Buffer of its own per read, as a TLS socket gives
      chunks.push(new WeakRef(chunk.buffer));
      out.push(...f.push(chunk));
      if (i === CHUNK * 32) {
        // Half-way: the chunks read before this one are garbage, whatever is still to come.
        await new Promise((r) => setTimeout(r, 0)); // WeakRefs hold their targets until the current job ends
        gc();
        expect(chunks.slice(0, -1).filter((c) => c.deref() !== undefined)).toHaveLength(0);
      }
    }
    expect(out).toHaveLength(1);
    expect(out[0]!.equals(packet)).toBe(true);
    expect(out[0]!.buffer.byteLength).toBe(packet.length); // one allocation, of exactly the packet
  });

  it('gathers a packet above PREALLOCATE_MAX_BYTES as it arrives and joins it once', () => {
    const packet = publish(PREALLOCATE_MAX_BYTES);
    const f = new MqttFramer();
    const out: Buffer[] = [];
    for (let i = 0; i < packet.length; i += 65_536) out.push(...f.push(packet.subarray(i, i + 65_536)));
    expect(out).toHaveLength(1);
    expect(out[0]!.equals(packet)).toBe(true);
  });

  it('keeps a PUBLISH within message_size_limit whole when the limit is below its body', () => {
    const dropped: DroppedPublish[] = [];
    const f = new MqttFramer({ messageSizeLimit: 20_000, onDropped: (d) => dropped.push(d) });
    const packet = mqtt.generate({ cmd: 'publish', topic: 'a/long/topic', payload: Buffer.alloc(20_000, 3), qos: 1, messageId: 7, retain: false, dup: false });
    const out: Buffer[] = [];
    for (let i = 0; i < packet.length; i += 3) out.push(...f.push(packet.subarray(i, i + 3)));
    expect(dropped).toEqual([]);
    expect(out).toHaveLength(1);
    expect(out[0]!.equals(packet)).toBe(true);
  });
});
