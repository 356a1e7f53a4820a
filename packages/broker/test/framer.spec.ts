import mqtt from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { MqttFramer } from '../src/mqtt/framer.ts';

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
});
