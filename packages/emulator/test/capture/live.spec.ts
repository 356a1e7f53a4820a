// Captures made in the test with real mosquitto, mosquitto_pub and dumpcap on lo.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCapture, readCaptureFile } from '../../src/capture/read.ts';
import type { CaptureReadResult } from '../../src/capture/types.ts';
import { planReplay } from '../../src/replay/plan.ts';
import { pcapngToBigEndian, pcapToBigEndian } from './byte-order.ts';
import { captureLiveSession, COMMANDS } from './live.ts';
import { needTools, run } from './tools.ts';

const tools = needTools('mosquitto', 'mosquitto_pub', 'dumpcap-lo', 'editcap', 'tshark');

const types = (r: CaptureReadResult) => r.packets.map((p) => `${p.where} ${p.packet.cmd}`);
const MSGTYPE: Record<string, string> = {
  '1': 'connect', '2': 'connack', '3': 'publish', '4': 'puback', '5': 'pubrec', '6': 'pubrel', '7': 'pubcomp',
  '8': 'subscribe', '9': 'suback', '10': 'unsubscribe', '11': 'unsuback', '12': 'pingreq', '13': 'pingresp', '14': 'disconnect',
};

describe.skipIf(tools.skip)('real captures from mosquitto on lo', () => {
  let live: Awaited<ReturnType<typeof captureLiveSession>>;
  beforeAll(async () => {
    tools.assert();
    live = await captureLiveSession();
  }, 60_000);

  it.each(['pcap', 'pcapng'] as const)('reads the %s dumpcap wrote: every MQTT packet tshark sees, the commands to replay', (format) => {
    const file = live[format];
    const r = readCaptureFile(file);
    expect(r.format).toBe(format);
    expect(r.warnings).toEqual([]);
    // Same packets, same frames as tshark's MQTT dissector (told the ephemeral port is MQTT).
    const out = run('tshark', ['-r', file, '-d', `tcp.port==${live.port},mqtt`, '-Y', 'mqtt', '-T', 'fields', '-e', 'frame.number', '-e', 'mqtt.msgtype']).stdout;
    const theirs = out.trim().split('\n').flatMap((l) => {
      const [frame, msgtypes] = l.split('\t');
      return msgtypes!.split(',').map((t) => `frame ${frame} ${MSGTYPE[t]}`);
    });
    expect(types(r)).toEqual(theirs);
    expect(r.connections).toHaveLength(1 + COMMANDS.length);
    expect(r.connections.every((c) => c.roleFrom === 'connect' && c.server.port === live.port)).toBe(true);
    expect(r.connections.map((c) => [c.clientId, c.protocolVersion])).toEqual([
      ['sec_mqtt_client_00_03', 4], ['operator', 4], ['operator', 4], ['operator', 5],
    ]);
    const plan = planReplay(r);
    expect(plan.commands.map((c) => [c.payload.toString(), c.qos])).toEqual([['2 120', 0], ['5 30', 1], ['5 0', 2]]);
    expect(plan.commands[0]!.offsetNs).toBe(0n);
    expect(plan.commands[1]!.offsetNs).toBeGreaterThan(100_000_000n); // 150 ms apart, at least
    expect(plan.skipped.deliveries).toBe(3); // the broker's copies to the node
  });

  it('reads the same packets from big-endian rewrites and from nanosecond pcap (editcap -F nsecpcap)', () => {
    const pcap = readFileSync(live.pcap);
    const pcapng = readFileSync(live.pcapng);
    const key = (r: CaptureReadResult) => r.packets.map((p) => [p.tNs, p.raw.toString('hex'), p.dir, p.clientId]);
    const nsec = join(live.dir, 'live-nsec.pcap');
    run('editcap', ['-F', 'nsecpcap', live.pcap, nsec]);
    expect(readFileSync(nsec).readUInt32LE(0)).toBe(0xa1b23c4d);
    const cases = [[pcap, pcapToBigEndian(pcap)], [pcapng, pcapngToBigEndian(pcapng)], [pcap, readFileSync(nsec)]] as const;
    for (const [original, rewritten] of cases) {
      const r = readCapture(rewritten, 'rewritten');
      expect(r.warnings).toEqual([]);
      expect(r.packets).toHaveLength(24);
      expect(key(r)).toEqual(key(readCapture(original, 'original')));
    }
    expect(pcapToBigEndian(pcap).readUInt32BE(0)).toBe(0xa1b2c3d4);
    expect(pcapngToBigEndian(pcapng).readUInt32BE(8)).toBe(0x1a2b3c4d);
  });
});
