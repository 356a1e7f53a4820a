// TCP reassembly and MQTT stream decoding on hand-made segments.
import { describe, expect, it } from 'vitest';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from '../../src/capture/numbers.ts';
import { readCapture } from '../../src/capture/read.ts';
import { connack, connect, Flow, mqtt, pcapFile, publish, type RawRecord } from './craft.ts';

const MS = 1_000_000n;
const T0 = 1_700_000_000n * 1_000_000_000n;

/** Frames at 1 ms steps. */
function capture(frames: Buffer[]): Buffer {
  return pcapFile(frames.map((data, i): RawRecord => ({ tNs: T0 + BigInt(i) * MS, data })), { nano: true });
}

function handshake(f: Flow): Buffer[] {
  const out = [f.frame(true, TCP_SYN)];
  f.cseq++;
  out.push(f.frame(false, TCP_SYN | TCP_ACK));
  f.sseq++;
  out.push(f.frame(true, TCP_ACK));
  return out;
}

const payloads = (r: ReturnType<typeof readCapture>) =>
  r.packets.map((p) => `${p.dir === 'to-broker' ? '>' : '<'}${p.packet.cmd}${p.packet.cmd === 'publish' ? ' ' + p.packet.payload.toString() : ''}`);

describe('TCP reassembly', () => {
  it('joins split packets, splits coalesced ones, drops retransmissions and overlaps, reorders out-of-order segments', () => {
    const f = new Flow();
    const frames = handshake(f);
    const c = connect('operator');
    const s0 = f.cseq;
    frames.push(f.data(true, c.subarray(0, 5)));
    frames.push(f.data(true, c.subarray(5, 11)));
    frames.push(f.frame(true, TCP_PSH | TCP_ACK, c.subarray(5, 11), s0 + 5)); // retransmission
    frames.push(f.data(true, c.subarray(11)));
    frames.push(f.data(false, connack()));
    // Two PUBLISHes in one segment, the third one split, its halves arriving in reverse order.
    frames.push(f.data(true, Buffer.concat([publish('irrigation/zone/on', '2 120'), publish('irrigation/zone/on', '5 30')])));
    const p3 = publish('irrigation/zone/on', '5 0');
    const s3 = f.cseq;
    frames.push(f.frame(true, TCP_PSH | TCP_ACK, p3.subarray(4), s3 + 4)); // frame 10: second half first
    frames.push(f.frame(true, TCP_PSH | TCP_ACK, p3.subarray(0, 6), s3)); // frame 11: overlaps 2 bytes of it
    f.cseq += p3.length;
    frames.push(f.data(true, mqtt({ cmd: 'disconnect' })));
    const r = readCapture(capture(frames), 'split.pcap');
    expect(r.warnings).toEqual([]);
    expect(payloads(r)).toEqual(['>connect', '<connack', '>publish 2 120', '>publish 5 30', '>publish 5 0', '>disconnect']);
    // A packet's time is when its last byte could be delivered in order.
    expect(r.packets.map((p) => p.where)).toEqual(['frame 7', 'frame 8', 'frame 9', 'frame 9', 'frame 11', 'frame 12']);
    expect(r.packets[0]!.tNs).toBe(T0 + 6n * MS);
    expect(r.connections[0]).toMatchObject({ clientId: 'operator', roleFrom: 'connect', client: { port: 40000 }, server: { port: 1883 } });
  });

  it('copes with sequence numbers wrapping around 2^32', () => {
    const f = new Flow();
    f.cseq = 0xfffffffa;
    const frames = handshake(f);
    const c = connect('wrap');
    frames.push(f.data(true, c.subarray(0, 7)));
    f.cseq >>>= 0;
    frames.push(f.data(true, c.subarray(7)));
    f.cseq >>>= 0;
    frames.push(f.data(true, publish('irrigation/zone/on', '1 10')));
    expect(payloads(readCapture(capture(frames), 'wrap.pcap'))).toEqual(['>connect', '>publish 1 10']);
  });

  it('reads a connection whose start was not captured, telling client from server by packet types', () => {
    const f = new Flow({ ip: [192, 168, 1, 9], port: 5555 }, { ip: [192, 168, 1, 1], port: 7000 });
    const frames = [
      f.data(false, publish('irrigation/zone/on', '3 60')), // server → client first: no port or SYN hint
      f.data(true, mqtt({ cmd: 'pingreq' })),
      f.data(false, mqtt({ cmd: 'pingresp' })),
    ];
    const r = readCapture(capture(frames), 'mid.pcap');
    expect(r.warnings).toEqual([]);
    expect(r.connections[0]).toMatchObject({ roleFrom: 'packet-types', clientId: '', client: { port: 5555 }, server: { port: 7000 } });
    expect(payloads(r)).toEqual(['<publish 3 60', '>pingreq', '<pingresp']);
  });

  it('uses the SYN when the client does not begin with CONNECT', () => {
    const f = new Flow({ ip: [10, 1, 1, 2], port: 6000 }, { ip: [10, 1, 1, 1], port: 9000 });
    const frames = [...handshake(f), f.data(true, publish('a/b', 'x'))];
    const r = readCapture(capture(frames), 'syn.pcap');
    expect(r.connections[0]).toMatchObject({ roleFrom: 'syn', client: { port: 6000 } });
  });

  it('falls back to the MQTT port, then to the lower port, when only PUBLISHes were captured', () => {
    const a = new Flow({ ip: [10, 1, 1, 2], port: 1883 }, { ip: [10, 1, 1, 1], port: 50000 });
    const b = new Flow({ ip: [10, 1, 1, 3], port: 61000 }, { ip: [10, 1, 1, 4], port: 3000 });
    const r = readCapture(capture([a.data(true, publish('t', '1')), b.data(true, publish('t', '2'))]), 'port.pcap');
    expect(r.connections.map((c) => [c.roleFrom, c.server.port])).toEqual([['port', 1883], ['port', 3000]]);
    expect(payloads(r)).toEqual(['<publish 1', '>publish 2']);
  });

  it('splits two connections reusing one 4-tuple (SYN after FIN, SYN after RST)', () => {
    const f = new Flow();
    const frames = [...handshake(f), f.data(true, connect('one')), f.frame(true, TCP_FIN | TCP_ACK), f.frame(false, TCP_FIN | TCP_ACK)];
    f.cseq = 90000;
    frames.push(...handshake(f), f.data(true, connect('two')), f.frame(false, TCP_RST));
    f.cseq = 190000;
    frames.push(...handshake(f), f.data(true, connect('three')));
    const r = readCapture(capture(frames), 'reuse.pcap');
    expect(r.connections.map((c) => c.clientId)).toEqual(['one', 'two', 'three']);
    expect(r.packets.map((p) => p.conn)).toEqual([0, 1, 2]);
  });

  it('keeps the packets before a hole in the capture and says how many bytes are missing', () => {
    const f = new Flow();
    const frames = [...handshake(f), f.data(true, connect('holey'))];
    f.cseq += 20; // 20 bytes never captured
    frames.push(f.data(true, publish('irrigation/zone/on', '2 120')));
    frames.push(f.data(false, connack()));
    const r = readCapture(capture(frames), 'hole.pcap');
    expect(payloads(r)).toEqual(['>connect', '<connack']);
    expect(r.warnings.map((w) => w.message)).toEqual([
      `hole.pcap: frame 5: connection 0 10.0.0.2:40000 → 10.0.0.1:1883 (client→server): 20 bytes missing from the capture at stream byte ${connect('holey').length}; the rest of this direction is skipped`,
    ]);
  });

  it('reports undecodable MQTT with its packet index and skips only the rest of that direction', () => {
    const f = new Flow();
    const g = new Flow({ ip: [10, 0, 0, 3], port: 40001 });
    const frames = [...handshake(f), ...handshake(g), f.data(true, connect('bad')), g.data(true, connect('good'))];
    expect([connect('bad').length, publish('irrigation/zone/on', '1 1').length]).toEqual([17, 25]);
    frames.push(f.data(true, publish('irrigation/zone/on', '1 1')));
    frames.push(f.data(true, Buffer.from([0x30, 0x05, 0xff, 0xff, 0x41, 0x42, 0x43]))); // topic length 65535 in a 5-byte packet
    frames.push(f.data(true, publish('irrigation/zone/on', '1 2')));
    frames.push(f.data(false, connack()));
    frames.push(g.data(true, publish('irrigation/zone/on', '2 2')));
    const r = readCapture(capture(frames), 'garbage.pcap');
    expect(payloads(r)).toEqual(['>connect', '>connect', '>publish 1 1', '<connack', '>publish 2 2']);
    expect(r.warnings.map((w) => w.message)).toEqual([
      `garbage.pcap: frame 10: connection 0 10.0.0.2:40000 → 10.0.0.1:1883 (client→server): MQTT packet 3 at stream byte ${17 + 25}: Cannot parse topic; the rest of this direction is skipped`,
    ]);
  });

  it('ignores TCP that is not MQTT, and says so when it is on an MQTT port', () => {
    const http = new Flow({ ip: [10, 9, 9, 2], port: 41000 }, { ip: [10, 9, 9, 1], port: 80 });
    const tls = new Flow({ ip: [10, 9, 9, 2], port: 41001 }, { ip: [10, 9, 9, 1], port: 8883 });
    const frames = [...handshake(http), http.data(true, Buffer.from('GET / HTTP/1.1\r\n\r\n')), ...handshake(tls), tls.data(true, Buffer.from('16030100a5010000a10303', 'hex'))];
    const r = readCapture(capture(frames), 'other.pcap');
    expect(r.packets).toEqual([]);
    expect(r.warnings.map((w) => w.message)).toEqual(['other.pcap: frame 5: TCP connection 10.9.9.2:41001 ↔ 10.9.9.1:8883 on an MQTT port does not start with MQTT; ignored']);
  });

  it('reports a stream that ends inside a packet', () => {
    const f = new Flow();
    const p = publish('irrigation/zone/on', '2 120');
    const r = readCapture(capture([...handshake(f), f.data(true, connect('cut')), f.data(true, p.subarray(0, 10))]), 'end.pcap');
    expect(payloads(r)).toEqual(['>connect']);
    expect(r.warnings.map((w) => w.message)).toEqual([
      `end.pcap: frame 5: connection 0 10.0.0.2:40000 → 10.0.0.1:1883 (client→server): stream ends inside MQTT packet 2 at stream byte 17 (10 of ${p.length} bytes captured)`,
    ]);
  });

  it('decodes MQTT 3.1 ("MQIsdp", version 3)', () => {
    const f = new Flow();
    const c = mqtt({ cmd: 'connect', protocolId: 'MQIsdp', protocolVersion: 3, clientId: 'old', clean: true, keepalive: 60 }, 3);
    const r = readCapture(capture([...handshake(f), f.data(true, c), f.data(false, connack()), f.data(true, publish('irrigation/zone/on', '6 6'))]), 'v3.pcap');
    expect(r.connections[0]).toMatchObject({ protocolVersion: 3, clientId: 'old', roleFrom: 'connect' });
    expect(payloads(r)).toEqual(['>connect', '<connack', '>publish 6 6']);
  });

  it('decodes MQTT 5 with the protocol version from the CONNECT', () => {
    const f = new Flow();
    const frames = [...handshake(f), f.data(true, connect('v5', 5)), f.data(false, connack(5))];
    frames.push(f.data(true, mqtt({ cmd: 'publish', topic: 'irrigation/zone/on', payload: Buffer.from('4 40'), qos: 0, retain: true, dup: false, properties: { contentType: 'text/plain' } }, 5)));
    const r = readCapture(capture(frames), 'v5.pcap');
    expect(r.connections[0]!.protocolVersion).toBe(5);
    const pub = r.packets[2]!.packet;
    expect(pub).toMatchObject({ cmd: 'publish', retain: true, properties: { contentType: 'text/plain' } });
  });
});
