import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SpiEvent, TraceEvent } from './events.ts';
import { memoryOut } from './out.ts';
import { TraceRecorder } from './recorder.ts';
import { spiWindow } from './testing.ts';
import { VCD_SIGNALS, VcdWriter, type VcdOptions } from './vcd.ts';

function vcdOf(events: TraceEvent[], options?: VcdOptions): string {
  const out = memoryOut();
  const w = new VcdWriter(out, options);
  events.forEach((e) => w.write(e));
  w.close();
  return out.text();
}

/** Reads back a VCD this writer produced: every signal's (t, level) changes, initial values at t=0. */
function parseVcd(text: string): Map<string, [bigint, number][]> {
  const names = new Map<string, string>();
  for (const m of text.matchAll(/\$var wire 1 (\S+) (\S+) \$end/g)) names.set(m[1]!, m[2]!);
  const waves = new Map<string, [bigint, number][]>([...names.values()].map((n) => [n, []]));
  let t = -1n;
  for (const line of text.slice(text.indexOf('$enddefinitions')).split('\n').slice(1)) {
    if (line.startsWith('#')) {
      const next = BigInt(line.slice(1));
      if (next <= t) throw new Error(`timestamps not increasing: #${next} after #${t}`);
      t = next;
    } else if (/^[01]\S$/.test(line)) {
      waves.get(names.get(line[1]!)!)!.push([t, Number(line[0])]);
    } else if (line !== '$dumpvars' && line !== '$end' && line !== '') {
      throw new Error(`unexpected VCD line ${JSON.stringify(line)}`);
    }
  }
  return waves;
}

const levelAt = (wave: [bigint, number][], t: bigint): number => {
  let v = -1;
  for (const [at, x] of wave) if (at <= t) v = x;
  return v;
};

describe('VCD structure', () => {
  const text = vcdOf([spiWindow({ t: 10_000n, mosi: [0xfb], miso: [0x00] })]);

  it('has the header GTKWave and PulseView read: timescale, 1-bit wires, $enddefinitions, initial $dumpvars', () => {
    expect(text).toMatch(/^\$version esphil \$end\n/);
    expect(text).toContain('$timescale 1 ns $end');
    const vars = [...text.matchAll(/\$var (\S+) (\d+) (\S+) (\S+) \$end/g)];
    expect(vars.map((m) => m[4])).toEqual([...VCD_SIGNALS]);
    expect(vars.every((m) => m[1] === 'wire' && m[2] === '1')).toBe(true);
    expect(text).not.toMatch(/^b[01]+ /m); // no vector values
    const dump = text.slice(text.indexOf('#0\n$dumpvars\n'));
    expect(dump.split('\n').slice(2, 2 + VCD_SIGNALS.length).every((l) => /^[01]\S$/.test(l))).toBe(true);
    expect(text.indexOf('$enddefinitions $end')).toBeLessThan(text.indexOf('$dumpvars'));
  });

  it('draws 2 MHz SCK edges 250 ns apart inside the SS window, with MOSI valid at each rising edge (mode 0)', () => {
    const spi = spiWindow({ t: 10_000n, mosi: [0xfb], miso: [0x00] });
    const waves = parseVcd(text);
    const sck = waves.get('SCK')!.slice(1);
    expect(sck.map(([t]) => t)).toEqual(Array.from({ length: 16 }, (_, k) => spi.bytes[0]!.t + BigInt(k) * 250n));
    expect(sck.map(([, v]) => v)).toEqual(Array.from({ length: 16 }, (_, k) => (k % 2 === 0 ? 1 : 0)));
    expect(waves.get('SS')!).toEqual([[0n, 1], [10_000n, 0], [spi.end, 1]]);
    const bits = sck.filter(([, v]) => v === 1).map(([t]) => levelAt(waves.get('MOSI')!, t));
    expect(bits).toEqual([1, 1, 1, 1, 1, 0, 1, 1]);
    // Data never changes on a sampling edge.
    const rising = new Set(sck.filter(([, v]) => v === 1).map(([t]) => t));
    expect(waves.get('MOSI')!.some(([t]) => rising.has(t))).toBe(false);
  });

  it.each([0, 1, 2, 3] as const)('mode %i: data is stable on every sampling edge and changes only on shift edges', (mode) => {
    for (const lsbFirst of [false, true]) {
      const spi = spiWindow({ t: 10_000n, mosi: [0xb4, 0x2d], miso: [0x0f, 0xf0], mode, lsbFirst });
      const waves = parseVcd(vcdOf([spi], { mode }));
      const sck = waves.get('SCK')!.slice(1);
      expect(sck.length).toBe(32);
      const samplingLevel = mode === 0 || mode === 3 ? 1 : 0; // rising edges for modes 0 and 3
      const samples = sck.filter(([, v]) => v === samplingLevel).map(([t]) => t);
      const changes = new Set([...waves.get('MOSI')!, ...waves.get('MISO')!].map(([t]) => t));
      expect(samples.filter((t) => changes.has(t))).toEqual([]);
      const word = (sig: string, from: number) =>
        samples.slice(from, from + 8).reduce((acc, t, i) => acc | (levelAt(waves.get(sig)!, t) << (lsbFirst ? i : 7 - i)), 0);
      expect([word('MOSI', 0), word('MOSI', 8), word('MISO', 0), word('MISO', 8)]).toEqual([0xb4, 0x2d, 0x0f, 0xf0]);
    }
  });

  it('moves SCK to the new idle level before SS falls when the mode changes', () => {
    const spi = spiWindow({ t: 10_000n, mosi: [0x5a], mode: 3 });
    const sck = parseVcd(vcdOf([spi])).get('SCK')!;
    expect(sck[0]).toEqual([0n, 0]);
    expect(sck[1]).toEqual([10_000n - 250n, 1]);
  });

  it('follows RESET (or GPIO4) and PORTD from pin and relay events', () => {
    const waves = parseVcd(
      vcdOf([
        { kind: 'pin', t: 100n, chip: 'esp', pin: 'GPIO4', level: 0, dir: 'out' },
        { kind: 'pin', t: 100n, chip: 'avr', pin: 'RESET', level: 0 },
        { kind: 'pin', t: 10_100n, chip: 'avr', pin: 'RESET', level: 1 },
        { kind: 'relays', t: 50_000n, on: [2], portd: 0xfb, ddrd: 0xff },
        { kind: 'pin', t: 60_000n, chip: 'avr', pin: 'PD7', level: 0 },
        { kind: 'pin', t: 60_000n, chip: 'esp', pin: 'GPIO16', level: 0 },
      ]),
    );
    expect(waves.get('RESET')).toEqual([[0n, 1], [100n, 0], [10_100n, 1]]);
    expect(waves.get('PD2')).toEqual([[0n, 1], [50_000n, 0]]);
    expect(waves.get('PD7')).toEqual([[0n, 1], [60_000n, 0]]);
    expect(waves.get('SS')).toEqual([[0n, 1]]);
  });

  it('is fed in time order by the recorder even though SPI windows arrive late', () => {
    const out = memoryOut();
    const rec = new TraceRecorder({ sinks: [new VcdWriter(out)] });
    const spi = spiWindow({ t: 10_000n, mosi: [0xfb] });
    rec.record({ kind: 'relays', t: 17_000n, on: [2], portd: 0xfb, ddrd: 0xff });
    rec.record(spi);
    rec.close();
    const waves = parseVcd(out.text());
    expect(waves.get('SCK')!.length).toBe(17);
    expect(waves.get('PD2')).toEqual([[0n, 1], [17_000n, 0]]);
  });

  it('draws an event that comes out of time order from the last written time on, and lists it', () => {
    const out = memoryOut();
    const w = new VcdWriter(out);
    w.write({ kind: 'relays', t: 10_000n, on: [2], portd: 0xfb, ddrd: 0xff });
    w.write({ kind: 'relays', t: 20_000n, on: [], portd: 0xff, ddrd: 0xff });
    const late = { kind: 'pin', t: 5_000n, chip: 'avr', pin: 'RESET', level: 0 } as const;
    w.write(late);
    w.close();
    expect(w.late).toEqual([late]);
    const waves = parseVcd(out.text());
    expect(waves.get('PD2')).toEqual([[0n, 1], [10_000n, 0], [20_000n, 1]]);
    expect(waves.get('RESET')).toEqual([[0n, 1], [10_000n, 0]]); // #10000 was the last time written
  });
});

const sigrok = spawnSync('sigrok-cli', ['--version'], { encoding: 'utf8' });
const haveSigrok = sigrok.status === 0;
if (!haveSigrok && process.env.CI !== 'true') console.warn('skipping sigrok-cli decode tests: sigrok-cli is not installed (apt install sigrok-cli)');

/** Bytes sigrok's SPI decoder finds, per annotation class, as upper-case hex. */
function decode(events: SpiEvent[], extra: string[] = [], input = 'vcd'): { mosi: string[]; miso: string[]; both: string[] } {
  const file = join(mkdtempSync(join(tmpdir(), 'esphil-vcd-')), 'f.vcd');
  writeFileSync(file, vcdOf(events));
  const { mode, lsbFirst } = events[0]!;
  const opts = [`cpol=${mode >> 1}`, `cpha=${mode & 1}`, `bitorder=${lsbFirst ? 'lsb-first' : 'msb-first'}`, ...extra];
  const pd = ['spi:clk=SCK:mosi=MOSI:miso=MISO:cs=SS', ...(mode === 0 && !lsbFirst ? [] : opts)].join(':');
  const run = (ann: string): string[] =>
    execFileSync('sigrok-cli', ['-I', input, '-i', file, '-P', pd, '-A', `spi=${ann}`], { encoding: 'utf8', timeout: 30_000 })
      .split('\n')
      .filter(Boolean)
      .map((l) => l.replace(/^spi-1: /, ''));
  return { mosi: run('mosi-data'), miso: run('miso-data'), both: run('mosi-data:miso-data') };
}

const hex = (bytes: number[]): string[] => bytes.map((b) => b.toString(16).toUpperCase().padStart(2, '0'));

describe.skipIf(!haveSigrok && process.env.CI !== 'true')('VCD decoded by sigrok-cli equals the trace', () => {
  it('sigrok-cli is installed', () => {
    expect(sigrok.status, 'sigrok-cli must be installed when CI=true').toBe(0);
  });

  it('decodes the sketch relay byte: 2 MHz, mode 0, MSB first, one byte in a ~10 µs SS window', () => {
    const spi = spiWindow({ t: 20_000n, mosi: [0xfb], miso: [0xff] });
    expect(spi.end - spi.t).toBe(8_000n);
    const got = decode([spi]);
    expect(got.mosi).toEqual(['FB']);
    expect(got.miso).toEqual(['FF']);
    expect([...got.both].sort()).toEqual(['FB', 'FF']);
  });

  it('decodes a multi-byte window and consecutive windows', () => {
    const a = spiWindow({ t: 20_000n, mosi: [0x00, 0xa5, 0xff, 0x81], miso: [0x12, 0x34, 0x56, 0x78], gapNs: 1_500n });
    const b = spiWindow({ t: a.end + 50_000n, mosi: [0x7e], miso: [0xc3] });
    const got = decode([a, b]);
    expect(got.mosi).toEqual(hex([0x00, 0xa5, 0xff, 0x81, 0x7e]));
    expect(got.miso).toEqual(hex([0x12, 0x34, 0x56, 0x78, 0xc3]));
    expect(got.both.length).toBe(10);
  });

  it.each([
    [1, false],
    [2, false],
    [3, false],
    [0, true],
    [3, true],
  ] as const)('decodes mode %i (LSB first: %s)', (mode, lsbFirst) => {
    const spi = spiWindow({ t: 20_000n, mosi: [0x01, 0x80, 0xc5], miso: [0x3a, 0x0f, 0xe0], mode, lsbFirst });
    const got = decode([spi]);
    expect(got.mosi).toEqual(hex([0x01, 0x80, 0xc5]));
    expect(got.miso).toEqual(hex([0x3a, 0x0f, 0xe0]));
  });

  it('decodes windows whose first SCK edge comes the same ns SS falls, back to back', () => {
    const a = spiWindow({ t: 3_020_000_000n, mosi: [0xfb], miso: [0xff], setupNs: 0n, holdNs: 0n });
    const b = spiWindow({ t: a.end, mosi: [0xf7], miso: [0xfb], setupNs: 0n, holdNs: 0n });
    const got = decode([a, b], [], 'vcd:compress=100000');
    expect(got.mosi).toEqual(['FB', 'F7']);
    expect(got.miso).toEqual(['FF', 'FB']);
  });

  it('decodes a 4 MHz transfer with odd rounding of edge times (3 MHz)', () => {
    expect(decode([spiWindow({ t: 5_000n, mosi: [0x96, 0x69], sckHz: 4_000_000 })]).mosi).toEqual(['96', '69']);
    expect(decode([spiWindow({ t: 5_000n, mosi: [0x96, 0x69], sckHz: 3_000_000 })]).mosi).toEqual(['96', '69']);
  });

  it('decodes a window hours into the run when idle time is compressed (-I vcd:compress=N)', () => {
    const spi = spiWindow({ t: 16n * 3_600n * 1_000_000_000n, mosi: [0xdf], miso: [0xfb] });
    const got = decode([spi], [], 'vcd:compress=100000');
    expect(got.mosi).toEqual(['DF']);
    expect(got.miso).toEqual(['FB']);
  });
});
