// aedes' parser hands over a lone PINGREQ without parsing it; every packet it emits,
// and the parser's state after, must be what mqtt-packet's own parsing gives.
import mqtt, { type Packet } from 'mqtt-packet';
import type { Client } from 'aedes';
import { describe, expect, it } from 'vitest';
import { parseLonePingreqDirectly } from '../src/mqtt/lone-pingreq.ts';
import { publishPacket } from './helpers.ts';

type Parser = ReturnType<typeof mqtt.parser> & { _parseHeader(): boolean };

/** A parser as aedes' client holds it, patched or not, with what it emitted and how often it parsed a header. */
function parserOf(patched: boolean): { parser: Parser; packets: Packet[]; errors: string[]; headers: () => number } {
  const parser = mqtt.parser({ protocolVersion: 4 }) as Parser;
  const packets: Packet[] = [];
  const errors: string[] = [];
  parser.on('packet', (p: Packet) => packets.push(p));
  parser.on('error', (e: Error) => errors.push(e.message));
  let headers = 0;
  const header = parser._parseHeader;
  parser._parseHeader = function (this: Parser) {
    headers++;
    return header.call(this);
  };
  if (patched) parseLonePingreqDirectly({ _parser: parser } as unknown as Client);
  return { parser, packets, errors, headers: () => headers };
}

const PINGREQ = Buffer.from([0xc0, 0x00]);
const publish = mqtt.generate(publishPacket('irrigation/zone/on', Buffer.from('2 120')));

/** Feeds the same reads to a patched and a plain parser; both must emit the same packets and errors. */
function same(reads: Buffer[]): { headers: number } {
  const plain = parserOf(false);
  const patched = parserOf(true);
  for (const r of reads) expect(patched.parser.parse(r)).toBe(plain.parser.parse(r));
  expect(patched.packets).toEqual(plain.packets);
  expect(patched.packets.map((p) => Object.keys(p))).toEqual(plain.packets.map((p) => Object.keys(p)));
  expect(patched.errors).toEqual(plain.errors);
  return { headers: patched.headers() };
}

describe('a lone PINGREQ read by aedes', () => {
  it('is emitted field for field as mqtt-packet emits it, without running the parser', () => {
    expect(same([PINGREQ, PINGREQ, PINGREQ]).headers).toBe(0);
  });

  it('leaves the parser between packets: what follows parses as usual', () => {
    expect(same([PINGREQ, publish, PINGREQ, publish.subarray(0, 5), publish.subarray(5), PINGREQ]).headers).toBe(2);
  });

  it('goes through the parser when it shares the read, is split, or follows part of a packet', () => {
    expect(same([Buffer.concat([PINGREQ, publish])]).headers).toBe(2);
    expect(same([Buffer.concat([publish, PINGREQ])]).headers).toBe(2);
    expect(same([PINGREQ.subarray(0, 1), PINGREQ.subarray(1)]).headers).toBe(1);
    expect(same([publish.subarray(0, 1), PINGREQ]).headers).toBe(1);
  });

  it('goes through the parser after a parse error (which resets it) and for malformed pings', () => {
    expect(same([Buffer.from([0x36, 0x00]), PINGREQ, PINGREQ]).headers).toBe(2); // QoS 3: an error, then the reset parser's PINGREQ
    expect(same([Buffer.from([0xc1, 0x00])]).headers).toBe(1); // reserved flags set
    expect(same([Buffer.from([0xc0, 0x01, 0x00])]).headers).toBe(1); // a PINGREQ has no payload
  });

  it('goes through the parser for a two-byte read whose length byte is not zero', () => {
    expect(same([Buffer.from([0xc0, 0x01]), Buffer.from([0x00]), PINGREQ]).headers).toBe(1); // the payload byte completes it, then a lone PINGREQ
    expect(same([Buffer.from([0xc0, 0x80]), Buffer.from([0x00]), PINGREQ]).headers).toBe(1); // a continued length byte
    expect(same([Buffer.from([0xd0, 0x00])]).headers).toBe(1); // a PINGRESP is not taken
  });
});
