// The committed captures in fixtures/captures (README.md there says how they were made).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CaptureError } from '../../src/capture/errors.ts';
import { readCaptureFile } from '../../src/capture/read.ts';
import { planReplay } from '../../src/replay/plan.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../../../fixtures/captures/${name}`, import.meta.url));
const commands = (file: string) => planReplay(readCaptureFile(fixture(file))).commands.map((c) => `${c.payload} q${c.qos}`);

describe('capture fixtures', () => {
  it.each(['zone-1883.pcap', 'zone-1883.pcapng', 'zone-port-18830.pcap', 'zone-port-18830.pcapng', 'zone-1883.jsonl'])('%s: 24 packets, three zone commands', (name) => {
    const r = readCaptureFile(fixture(name));
    expect(r.warnings).toEqual([]);
    expect(r.packets).toHaveLength(24);
    expect(commands(name)).toEqual(['2 120 q0', '5 30 q1', '5 0 q2']);
  });

  it('the JSON-lines copy has the same packets, at ns since the pcap\'s first record', () => {
    const pcap = readCaptureFile(fixture('zone-1883.pcap'));
    const jsonl = readCaptureFile(fixture('zone-1883.jsonl'));
    expect(jsonl.packets.map((p) => [p.tNs, p.raw.toString('hex')])).toEqual(pcap.packets.map((p) => [p.tNs - pcap.startNs, p.raw.toString('hex')]));
  });

  it.each([
    ['broken-bad-magic.pcap', 'at byte 0: not a pcap, pcapng or esphil JSON-lines recording (starts with 0xdeadbeef)'],
    ['broken-bad-block-length.pcapng', 'block 2 at byte 168: block total length 22 is not a multiple of 4 and at least 12'],
  ])('%s is refused with the place', (name, message) => {
    const f = fixture(name);
    expect(() => readCaptureFile(f)).toThrow(CaptureError);
    expect(() => readCaptureFile(f)).toThrow(`${f}: ${message}`);
  });

  it('broken-truncated-last.pcap: the cut record is reported, the commands are all there', () => {
    const f = fixture('broken-truncated-last.pcap');
    const r = readCaptureFile(f);
    expect(r.warnings.map((w) => w.message)).toEqual([`${f}: record 60 at byte 5318: file ends 56 bytes into 66 bytes of packet data; the cut record is ignored and the rest used`]);
    expect(commands('broken-truncated-last.pcap')).toEqual(['2 120 q0', '5 30 q1', '5 0 q2']);
  });

  it('broken-garbage-in-stream.pcap: the bad stream is reported with packet index and offset, the rest is read', () => {
    const f = fixture('broken-garbage-in-stream.pcap');
    const r = readCaptureFile(f);
    expect(r.warnings.map((w) => w.message)).toEqual([
      `${f}: frame 32: connection 2 127.0.0.1:52696 → 127.0.0.1:1883 (client→server): MQTT packet 2 at stream byte 22: Cannot parse topic; the rest of this direction is skipped`,
    ]);
    expect(commands('broken-garbage-in-stream.pcap')).toEqual(['2 120 q0', '5 0 q2']);
  });
});
