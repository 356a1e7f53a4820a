import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PcapWriter } from '../../src/capture/pcap-writer.ts';
import { readCapture } from '../../src/capture/read.ts';
import { fileSink, memorySink } from '../../src/capture/sink.ts';
import { BIG_PAYLOAD, playSession } from './session.ts';
import { needTools, run } from './tools.ts';

const BASE_MS = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const write = () => {
  const sink = memorySink();
  const records = playSession(new PcapWriter(sink, { baseEpochMs: BASE_MS }));
  return { bytes: sink.bytes(), records };
};

describe('pcap writer → own reader', () => {
  it('gives back every packet with its time, direction, connection and client id', () => {
    const { bytes, records } = write();
    expect(bytes.readUInt32LE(0)).toBe(0xa1b23c4d);
    const r = readCapture(bytes, 'w.pcap');
    expect(r.warnings).toEqual([]);
    expect(r.format).toBe('pcap');
    expect(r.packets.map((p) => p.raw.toString('hex'))).toEqual(records.map((x) => x.raw.toString('hex')));
    expect(r.packets.map((p) => p.tNs)).toEqual(records.map((x) => BigInt(BASE_MS) * 1_000_000n + x.tNs));
    expect(r.packets.map((p) => p.dir)).toEqual(records.map((x) => x.dir));
    expect(r.packets.map((p) => p.clientId)).toEqual(records.map((x) => (x.connId === 0 ? 'sec_mqtt_client_00_03' : 'operator')));
    expect(r.connections.map((c) => [c.server.port, c.roleFrom])).toEqual([[1883, 'connect'], [1883, 'connect']]);
    // the in-memory endpoint "node" got a synthetic address; the operator kept its real one
    expect(r.connections.map((c) => `${c.client.address}:${c.client.port}`)).toEqual(['10.0.0.1:50000', '127.0.0.1:41000']);
    expect(r.startNs).toBe(BigInt(BASE_MS) * 1_000_000n + 5_000_000_000n);
  });

  it('is deterministic: the same records give the same bytes', () => {
    expect(write().bytes.equals(write().bytes)).toBe(true);
  });

  it('refuses use after end() and a bad base epoch', () => {
    const w = new PcapWriter(memorySink(), { baseEpochMs: 0 });
    w.end();
    expect(() => w.close({ tNs: 0n, connId: 1 })).toThrow('pcap writer: used after end()');
    expect(() => new PcapWriter(memorySink(), { baseEpochMs: -1 })).toThrow('baseEpochMs must be a non-negative integer');
  });
});

describe('pcap writer → tshark', () => {
  const tools = needTools('tshark');
  it.skipIf(tools.skip)('decodes every MQTT packet, with good checksums and no TCP analysis complaints', () => {
    tools.assert();
    const file = join(mkdtempSync(join(tmpdir(), 'esphil-pcap-')), 'w.pcap');
    const records = playSession(new PcapWriter(fileSink(file), { baseEpochMs: BASE_MS }));
    const out = run('tshark', ['-r', file, '-Y', 'mqtt', '-T', 'fields', '-E', 'occurrence=a', '-e', 'mqtt.msgtype', '-e', 'mqtt.topic', '-e', 'mqtt.msg']).stdout;
    // One frame can carry one MQTT packet here; tshark prints msgtype, topic and message (hex) per frame.
    const rows = out.trim().split('\n').map((l) => l.split('\t'));
    const types = { connect: '1', connack: '2', publish: '3', puback: '4', subscribe: '8', suback: '9', disconnect: '14' } as Record<string, string>;
    expect(rows.map((r) => r[0])).toEqual(records.map((x) => types[x.packet.cmd]));
    const pubs = rows.filter((r) => r[0] === '3');
    expect(pubs.map((r) => Buffer.from(r[2]!, 'hex').toString())).toEqual(
      records.filter((x) => x.packet.cmd === 'publish').map((x) => (x.packet.cmd === 'publish' ? x.packet.payload.toString() : '')),
    );
    expect(pubs.every((r) => r[1] === 'irrigation/zone/on')).toBe(true);
    expect(pubs.some((r) => Buffer.from(r[2]!, 'hex').toString() === BIG_PAYLOAD)).toBe(true);
    const bad = run('tshark', ['-r', file, '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-Y',
      'ip.checksum.status == "Bad" || tcp.checksum.status == "Bad" || tcp.analysis.flags || _ws.malformed || _ws.expert.severity >= warning']).stdout;
    expect(bad).toBe('');
    // Timestamps are the virtual ones on the base epoch, to the nanosecond.
    const times = run('tshark', ['-r', file, '-Y', 'mqtt.msgtype == 3 && mqtt.msg == 35:20:33:30', '-T', 'fields', '-e', 'frame.time_epoch']).stdout.trim().split('\n');
    expect(times[0]).toBe('1767225620.123456789');
    const handshake = run('tshark', ['-r', file, '-Y', 'tcp.flags.syn == 1 || tcp.flags.fin == 1', '-T', 'fields', '-e', 'tcp.flags.str']).stdout;
    expect(handshake.trim().split('\n').map((s) => s.replace(/[·\s]/g, ''))).toEqual(['S', 'AS', 'S', 'AS', 'AF', 'AF', 'AF', 'AF']);
    expect(readFileSync(file).length).toBeGreaterThan(24);
  });
});
