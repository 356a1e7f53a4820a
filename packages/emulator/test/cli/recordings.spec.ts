// What a real run records is read by the real tools: sigrok-cli decodes the
// VCD into exactly the trace's SPI bytes, tshark decodes every MQTT packet of
// the pcap, and captures made with Debian's mosquitto replay to the expected
// relay timeline.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { esphil } from './cli.ts';
import { FIXTURES } from '../../src/world/defaults.ts';
import { needTools } from '../capture/tools.ts';

const sigrok = needTools('sigrok-cli');
const tshark = needTools('tshark');

let dir: string;
let trace: { kind: string; bytes?: { mosi: number; miso: number }[]; packet?: { cmd: string } }[];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'esphil-rec-'));
  const r = await esphil(['run', join(FIXTURES, 'scenarios', 'zone-on-off.yaml'), '--trace', join(dir, 't.jsonl'), '--vcd', join(dir, 'w.vcd'), '--pcap', join(dir, 'm.pcap')]);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  trace = readFileSync(join(dir, 't.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}, 180_000);

describe.skipIf(sigrok.skip)('VCD of a real run', () => {
  it('sigrok-cli decodes exactly the SPI bytes of the trace', () => {
    sigrok.assert();
    // One annotation class per run: sigrok prints MOSI and MISO bytes alike ("spi-1: FB").
    const decode = (ann: string): number[] => {
      const res = spawnSync('sigrok-cli', ['-I', 'vcd:compress=100000', '-i', join(dir, 'w.vcd'), '-P', 'spi:clk=SCK:mosi=MOSI:miso=MISO:cs=SS', '-A', `spi=${ann}`], { encoding: 'utf8' });
      expect(res.status, res.stderr).toBe(0);
      return res.stdout.split('\n').filter(Boolean).map((l) => parseInt(/spi-1: ([0-9A-Fa-f]{2})/.exec(l)![1]!, 16));
    };
    const decoded = { mosi: decode('mosi-data'), miso: decode('miso-data') };
    const bytes = trace.filter((e) => e.kind === 'spi').flatMap((e) => e.bytes!);
    expect(bytes.length).toBe(2); // zone 2 on, then off: setup() sends no byte
    expect(decoded.mosi).toEqual(bytes.map((b) => b.mosi));
    expect(decoded.miso).toEqual(bytes.map((b) => b.miso));
  });
});

describe.skipIf(tshark.skip)('pcap of a real run', () => {
  it('tshark decodes every MQTT packet the trace saw', () => {
    tshark.assert();
    const res = spawnSync('tshark', ['-r', join(dir, 'm.pcap'), '-Y', 'mqtt', '-T', 'fields', '-e', 'mqtt.msgtype'], { encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    const types = res.stdout.split('\n').filter(Boolean).flatMap((l) => l.split(',')).map(Number);
    const inTrace = trace.filter((e) => e.kind === 'mqtt').length;
    expect(types.length).toBe(inTrace);
    expect(types).toContain(1); // CONNECT
    expect(types).toContain(3); // PUBLISH
    expect(types).toContain(8); // SUBSCRIBE
  });
});

describe('replay of captures made with Debian mosquitto', () => {
  const expected = [
    { on: [2], t: 0 },
    { on: [5], t: 1.02 },
    { on: [], t: 2.07 },
  ];
  for (const f of ['zone-1883.pcapng', 'zone-1883.pcap', 'zone-1883.jsonl']) {
    it(`${f} switches zone 2, then 5, then all off`, async () => {
      const r = await esphil(['replay', join(FIXTURES, 'captures', f), '--json']);
      expect(r.code, r.stderr).toBe(0);
      const tl = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(tl.map((e) => e.on)).toEqual(expected.map((e) => e.on));
      tl.forEach((e, i) => {
        expect(e.t).toMatch(/^\d+$/); // ns since the node subscribed
        expect(Number(e.t) / 1e9).toBeCloseTo(expected[i]!.t, 1);
      });
    }, 120_000);
  }
});
