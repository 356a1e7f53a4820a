// The capture tap decodes PINGREQ/PINGRESP without mqtt-packet's parser; what it
// returns must be what the parser would have (traces and recordings carry it).
import mqtt, { type Packet } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { FrameDecoder, MqttDecodeError } from '../src/mqtt/decode.ts';

function parsed(frame: Buffer): Packet {
  const parser = mqtt.parser({ protocolVersion: 4 });
  let packet: Packet | undefined;
  parser.on('packet', (p: Packet) => (packet = p));
  parser.parse(frame);
  return packet!;
}

describe('FrameDecoder keepalive packets', () => {
  it.each([[[0xc0, 0x00]], [[0xd0, 0x00]]])('%j decodes field for field as mqtt-packet does', (bytes) => {
    const frame = Buffer.from(bytes);
    const packet = new FrameDecoder().decode(frame);
    expect(packet).toEqual(parsed(frame));
    expect(Object.entries(packet)).toEqual(Object.entries(parsed(frame))); // same fields, same order
  });

  it('leaves other two-byte frames to the parser (a PINGREQ with flags is malformed)', () => {
    expect(() => new FrameDecoder().decode(Buffer.from([0xc1, 0x00]))).toThrow(MqttDecodeError);
    expect(new FrameDecoder().decode(Buffer.from([0xe0, 0x00])).cmd).toBe('disconnect');
  });
});
