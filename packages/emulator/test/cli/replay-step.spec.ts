// Record a run, replay its capture, step through its trace: the CLI round trip.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { esphil } from './cli.ts';
import { FIXTURES } from '../../src/world/defaults.ts';

const zoneOnOff = join(FIXTURES, 'scenarios', 'zone-on-off.yaml');
let dir: string;
let pcap: string;
let jsonl: string;
let trace: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'esphil-replay-'));
  pcap = join(dir, 'session.pcap');
  jsonl = join(dir, 'session.jsonl');
  trace = join(dir, 'trace.jsonl');
  const a = await esphil(['run', zoneOnOff, '--pcap', pcap, '--trace', trace]);
  expect(a.code, a.stderr).toBe(0);
  const b = await esphil(['run', zoneOnOff, '--pcap', jsonl]);
  expect(b.code, b.stderr).toBe(0);
}, 240_000);

describe('esphil replay', () => {
  it('replays a recorded pcap and a JSON-lines recording to the same relay timeline', async () => {
    const fromPcap = await esphil(['replay', pcap, '--json']);
    expect(fromPcap.code, fromPcap.stderr).toBe(0);
    const tl = fromPcap.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(tl.map((e) => e.on)).toEqual([[2], []]);
    expect(BigInt(tl[1].t) - BigInt(tl[0].t)).toBe(120_000_000_000n);
    const fromJsonl = await esphil(['replay', jsonl, '--json']);
    expect(fromJsonl.code, fromJsonl.stderr).toBe(0);
    expect(fromJsonl.stdout).toBe(fromPcap.stdout);
    const expected = join(dir, 'expected.jsonl');
    writeFileSync(expected, fromPcap.stdout);
    expect((await esphil(['replay', pcap, '--expect', expected])).code).toBe(0);
    writeFileSync(expected, fromPcap.stdout.replace('[2]', '[3]'));
    const differ = await esphil(['replay', pcap, '--expect', expected]);
    expect(differ.code).toBe(1);
    expect(differ.stderr).toMatch(/differs/);
  }, 240_000);

  it('reports a malformed capture with exit 2', async () => {
    const bad = join(dir, 'bad.pcap');
    writeFileSync(bad, Buffer.from('d4c3b2a1020004000000', 'hex'));
    const r = await esphil(['replay', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.pcap/);
  }, 60_000);
});

describe('esphil step', () => {
  it('walks a recorded trace from a pipe', async () => {
    const r = await esphil(['step', trace], { input: 'n\nshow\nnb\nne\nq\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/PORTD/);
    expect(r.stdout).toMatch(/zone/i);
    expect(r.stdout).not.toMatch(/\x1b\[/);
    // nb: the first byte of the first transaction, "2 120" as the inverted bitmap 0xfb
    const after = (cmd: string) => r.stdout.split(`step> ${cmd}\n`)[1]!.split('step> ')[0]!;
    expect(after('nb')).toMatch(/^SPI #1 at T\+[\d:.]+\n {2}byte 1\/1 at T\+[\d:.]+: MOSI 0xfb 0b11111011 MISO 0xff 0b11111111 -> bitmap 0x04, zones on: 2\n$/);
    // ne: the first SCK edge of that byte, MSB first in mode 0: rising edge, bit 7 of 0xfb is 1
    expect(after('ne')).toMatch(/\n {2}edge 1\/16 of byte 1 at T\+[\d:.]+: SCK rising {2}-> 1, samples bit 0 \(b7\): MOSI=1 MISO=1\n$/);
  }, 60_000);

  it('runs a scenario lazily as it steps', async () => {
    const r = await esphil(['step', zoneOnOff], { input: 'n\nn\nshow\nq\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SPCR/);
  }, 120_000);
});
