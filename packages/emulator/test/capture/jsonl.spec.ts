import { describe, expect, it } from 'vitest';
import { CaptureError } from '../../src/capture/errors.ts';
import { JsonlRecorder, readJsonlRecording, recordToJsonLine } from '../../src/capture/jsonl.ts';
import { readCapture } from '../../src/capture/read.ts';
import { memorySink } from '../../src/capture/sink.ts';
import { playSession } from './session.ts';

describe('JSON-lines recording', () => {
  it('writes one packet per line and reads back the same packets', () => {
    const sink = memorySink();
    const records = playSession(new JsonlRecorder(sink));
    const text = sink.bytes().toString();
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(records.length);
    const first = JSON.parse(lines[0]!);
    expect(first).toMatchObject({ t: '5000001000', dir: 'to-broker', conn: 0, client: '', identity: 'sec_mqtt_client_00_03' });
    expect(first.packet).toMatchObject({ cmd: 'connect', clientId: 'sec_mqtt_client_00_03', protocolVersion: 4, keepalive: 15 });
    const pub = JSON.parse(lines.find((l) => l.includes('"5 30"'))!);
    expect(pub.packet).toMatchObject({ cmd: 'publish', topic: 'irrigation/zone/on', payload: '5 30', qos: 1, messageId: 7 });
    const r = readCapture(sink.bytes(), 'rec.jsonl');
    expect(r.format).toBe('jsonl');
    expect(r.startNs).toBe(5_000_001_000n);
    expect(r.packets.map((p) => p.raw.toString('hex'))).toEqual(records.map((x) => x.raw.toString('hex')));
    expect(r.packets.map((p) => p.tNs)).toEqual(records.map((x) => x.tNs));
    expect(r.packets[0]!.clientId).toBe('sec_mqtt_client_00_03'); // from the CONNECT when the line's client is ''
    expect(r.packets.at(-1)!.where).toBe(`line ${records.length}`);
  });

  it('keeps non-UTF-8 payloads as hex and decodes them back', () => {
    const rec = { ...sessionPublish(Buffer.from([0xff, 0x00, 0x41])) };
    const line = recordToJsonLine(rec);
    expect(JSON.parse(line).packet.payload).toEqual({ hex: 'ff0041' });
    const back = readJsonlRecording(line + '\n', 'x.jsonl').packets[0]!.packet;
    expect(back.cmd === 'publish' && back.payload).toEqual(Buffer.from([0xff, 0x00, 0x41]));
  });

  it('accepts hand-written lines without "raw" and builds the packet from its fields', () => {
    const text = [
      '{"t":"0","dir":"to-broker","conn":3,"client":"op","packet":{"cmd":"publish","topic":"irrigation/zone/on","payload":"2 120"}}',
      '{"t":"1000","dir":"to-broker","conn":3,"client":"op","packet":{"cmd":"publish","topic":"irrigation/zone/on","payload":{"hex":"3520"},"qos":1,"messageId":2}}',
    ].join('\n');
    const r = readJsonlRecording(text, 'hand.jsonl');
    // PUBLISH QoS 0, remaining length 25: topic length 18, "irrigation/zone/on", "2 120"
    expect(r.packets[0]!.raw.toString('hex')).toBe('3019' + '0012' + Buffer.from('irrigation/zone/on2 120').toString('hex'));
    expect(r.packets[1]!.raw[0]).toBe(0x32); // PUBLISH, QoS 1
    expect(r.packets[1]!.packet).toMatchObject({ cmd: 'publish', qos: 1, messageId: 2 });
  });

  it.each([
    ['{"t":1,"dir":"to-broker","conn":0,"client":"a","raw":"e000"}', 'bad.jsonl:2: "t" must be a decimal string of nanoseconds, got 1'],
    ['{"t":"1","dir":"up","conn":0,"client":"a","raw":"e000"}', 'bad.jsonl:2: "dir" must be "to-broker" or "from-broker", got "up"'],
    ['{"t":"1","dir":"to-broker","conn":-1,"client":"a","raw":"e000"}', 'bad.jsonl:2: "conn" must be a non-negative integer, got -1'],
    ['{"t":"1","dir":"to-broker","conn":0,"client":"a","raw":"e0"}', 'bad.jsonl:2: MQTT packet: fixed header incomplete in 1 bytes'],
    ['{"t":"1","dir":"to-broker","conn":0,"client":"a","raw":"f000"}', 'bad.jsonl:2: MQTT packet: Not supported auth packet for this version MQTT'],
    ['{"t":"1","dir":"to-broker","conn":0,"client":"a","raw":"e00200"}', 'bad.jsonl:2: MQTT packet: fixed header says 4 bytes, got 3'],
    ['{"t":"1","dir":"to-broker","conn":0,"client":"a","raw":"xyz"}', 'bad.jsonl:2: "raw" must be a non-empty even-length hex string'],
    ['{"t":"1","dir":"to-broker","conn":0,"client":"a","packet":{"cmd":"publish","topic":"t","payload":{"hex":"1"}}}', 'bad.jsonl:2: MQTT packet: packet.payload: "hex" is not an even-length hex string'],
    ['{"t":"1","dir":"to-broker","conn":0,"client":"a","packet":{"cmd":"nope"}}', 'bad.jsonl:2: MQTT packet: "packet.cmd" "nope" is not an MQTT packet type'],
    ['{"t":"1","dir":"to-broker","conn":0,"client":"a","colour":"red","raw":"e000"}', 'bad.jsonl:2: unknown key "colour"'],
    ['[1]', 'bad.jsonl:2: expected a JSON object'],
    ['{oops', 'bad.jsonl:2: not JSON'],
  ])('names the line of a bad record: %s', (line, message) => {
    const ok = '{"t":"0","dir":"to-broker","conn":0,"client":"a","raw":"e000"}';
    const err = captureError(() => readJsonlRecording(`${ok}\n${line}\n${ok}\n`, 'bad.jsonl'));
    expect(err.message.slice(0, message.length)).toBe(message);
  });

  it('reports a cut-short last line as a warning and keeps the rest', () => {
    const ok = '{"t":"0","dir":"to-broker","conn":0,"client":"a","raw":"e000"}';
    const r = readJsonlRecording(`${ok}\n${ok.slice(0, 20)}`, 'cut.jsonl');
    expect(r.packets).toHaveLength(1);
    expect(r.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^cut\.jsonl:2: last line is cut short \(.*\); ignored$/)]);
  });
});

function captureError(f: () => unknown): CaptureError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CaptureError);
    return e as CaptureError;
  }
  throw new Error('expected a CaptureError');
}

function sessionPublish(payload: Buffer) {
  const raw = Buffer.concat([Buffer.from([0x30, 2 + 1 + payload.length, 0, 1, 0x74]), payload]);
  return {
    tNs: 1n, dir: 'to-broker' as const, connId: 0, clientId: 'op', identity: null,
    remote: { address: '1.2.3.4', port: 1 }, local: { address: '1.2.3.5', port: 2 },
    packet: { cmd: 'publish' as const, topic: 't', payload, qos: 0 as const, retain: false, dup: false }, raw,
  };
}
