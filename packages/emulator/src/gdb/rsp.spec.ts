import { describe, expect, it } from 'vitest';
import { RspReader, encodePacket, fromHex, leHex } from './rsp.ts';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

describe('RSP framing', () => {
  it('reads packets, acks and the interrupt byte from one stream', () => {
    const r = new RspReader();
    // "g" sums to 0x67; "?" to 0x3f (the gdb manual's own examples).
    expect(r.feed(bytes('+$g#67\x03-$?#3F'))).toEqual([
      { kind: 'ack' },
      { kind: 'packet', payload: 'g' },
      { kind: 'interrupt' },
      { kind: 'nak' },
      { kind: 'packet', payload: '?' },
    ]);
  });

  it('reports a checksum that does not match, and a packet split across reads', () => {
    const r = new RspReader();
    expect(r.feed(bytes('$g#00'))).toEqual([{ kind: 'bad', why: 'checksum "00" does not match the payload\'s 67' }]);
    expect(r.feed(bytes('$m0,'))).toEqual([]);
    expect(r.feed(bytes('4#fd'))).toEqual([{ kind: 'packet', payload: 'm0,4' }]);
  });

  it('escapes $ # } * in replies as } and the byte XOR 0x20, and reads them back', () => {
    const framed = encodePacket('a$#}*b');
    expect(framed.toString('latin1')).toBe('$a}\x04}\x03}]}\x0ab#' + framed.toString('latin1').slice(-2));
    expect(new RspReader().feed(new Uint8Array(framed))).toEqual([{ kind: 'packet', payload: 'a$#}*b' }]);
  });

  it('converts hex', () => {
    expect(leHex(0x04ff, 2)).toBe('ff04');
    expect(leHex(0x82, 4)).toBe('82000000');
    expect(fromHex('0aFF')).toEqual(new Uint8Array([0x0a, 0xff]));
    expect(fromHex('abc')).toBeUndefined();
    expect(fromHex('zz')).toBeUndefined();
  });
});
