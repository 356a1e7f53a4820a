import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../trace/events.ts';
import { encodeTraceEvent } from '../trace/jsonl.ts';
import { TraceRecorder } from '../trace/recorder.ts';
import { sampleTrace, spiWindow } from '../trace/testing.ts';
import type { StepperSource } from './cursor.ts';
import { runStepper, traceFileSource } from './run.ts';
import { StepSession } from './session.ts';

function traceFile(events: TraceEvent[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'esphil-step-')), 'trace.jsonl');
  writeFileSync(path, events.map((e) => `${encodeTraceEvent(e)}\n`).join(''));
  return path;
}

/** Pipes `commands` into a session; returns the transcript split per command. */
async function session(src: StepperSource, commands: string[], opts: { isTTY?: boolean; end?: boolean } = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  let out = '';
  output.on('data', (c: Buffer) => (out += c.toString()));
  const done = runStepper(src, { input, output, isTTY: opts.isTTY ?? false });
  input.write(commands.map((c) => `${c}\n`).join(''));
  if (opts.end !== false) input.end();
  const code = await done;
  const blocks = out.split(/^step> /m).slice(1);
  const reply = (i: number): string => blocks[i]!.slice(blocks[i]!.indexOf('\n') + 1);
  return { code, out, blocks, reply };
}

const day = (): StepperSource => traceFileSource(traceFile(sampleTrace()));

// A 2-byte window (relay byte after a command byte) between two 1-byte ones.
const MULTI = [
  spiWindow({ t: 1_000_000n, mosi: [0xfb], miso: [0x00] }),
  { kind: 'relays', t: 1_007_125n, on: [2], portd: 0xfb, ddrd: 0xff },
  spiWindow({ t: 2_000_000n, mosi: [0xa5, 0x81], miso: [0x5a, 0x7e] }),
  { kind: 'relays', t: 2_013_000n, on: [1, 6], portd: 0x81 ^ 0xff ^ 0xff, ddrd: 0xff },
  spiWindow({ t: 3_000_000n, mosi: [0xff], miso: [0x81] }),
  { kind: 'relays', t: 3_007_125n, on: [], portd: 0xff, ddrd: 0xff },
] as TraceEvent[];

describe('esphil step over a trace file, from a pipe', () => {
  it('prints a banner, echoes each command and steps through transactions forward and back', async () => {
    const s = await session(day(), ['n', 'n', 'n', 'n', 'p', 'p', 'p']);
    expect(s.out).toMatch(/^esphil step: .*trace\.jsonl: 20 events, 3 SPI transactions so far\. Type help for commands\.\n/);
    expect(s.blocks.map((b) => b.split('\n')[0])).toEqual(['n', 'n', 'n', 'n', 'p', 'p', 'p']);
    expect(s.reply(0)).toContain('SPI transaction #1 at T+16:00:05.300000000, SS low for 8us');
    expect(s.reply(0)).toContain('MOSI 0xfb 0b11111011 MISO 0x00 0b00000000 -> bitmap 0x04, zones on: 2');
    expect(s.reply(1)).toContain('SPI transaction #2 at T+16:01:05.300000000');
    expect(s.reply(2)).toContain('SPI transaction #3 at T+16:01:35.300000000');
    expect(s.reply(2)).toContain('MOSI 0xff 0b11111111 MISO 0x00 0b00000000 -> bitmap 0x00, zones on: none');
    expect(s.reply(3)).toMatch(/^no later SPI transaction/);
    expect(s.reply(4)).toContain('SPI transaction #2');
    expect(s.reply(5)).toContain('SPI transaction #1');
    expect(s.reply(6)).toMatch(/^no earlier SPI transaction/);
    expect(s.code).toBe(0);
    expect(s.out).not.toContain('\x1b[');
  });

  it('steps bytes across transactions and back', async () => {
    const s = await session(traceFileSource(traceFile(MULTI)), ['nb', 'nb', 'nb', 'nb', 'pb', 'pb', 'pb', 'pb']);
    const bytes = s.blocks.map((_b, i) => /byte (\d)\/(\d) at \S+: MOSI 0x(..)/.exec(s.reply(i))?.slice(1).join(' ') ?? s.reply(i).trim());
    expect(bytes).toEqual(['1 1 fb', '1 2 a5', '2 2 81', '1 1 ff', '2 2 81', '1 2 a5', '1 1 fb', expect.stringMatching(/^no earlier SPI byte/)]);
    expect(s.reply(2)).toContain('SPI #2 at T+0:00:00.002000000');
    expect(s.reply(2)).toContain('MISO 0x7e 0b01111110 -> bitmap 0x7e, zones on: 1, 2, 3, 4, 5, 6');
  });

  it('walks the SCK edges of a byte with the MOSI/MISO bit at each edge, into the next byte and back', async () => {
    const s = await session(traceFileSource(traceFile(MULTI)), ['n', 'n', 'ne', 'ne', 'ne', ...Array(14).fill('ne'), 'pe', 'pe']);
    const edge = (i: number): string => /edge .*/.exec(s.reply(i))![0];
    // 0xa5 = 1010 0101 MSB first on MOSI, 0x5a = 0101 1010 on MISO; mode 0 samples on rising edges.
    expect(edge(2)).toBe('edge 1/16 of byte 1 at T+0:00:00.002002000: SCK rising  -> 1, samples bit 0 (b7): MOSI=1 MISO=0');
    expect(edge(3)).toBe('edge 2/16 of byte 1 at T+0:00:00.002002250: SCK falling -> 0, shifts out bit 1 (b6): MOSI=0 MISO=1');
    expect(edge(4)).toBe('edge 3/16 of byte 1 at T+0:00:00.002002500: SCK rising  -> 1, samples bit 1 (b6): MOSI=0 MISO=1');
    expect(edge(16)).toBe('edge 15/16 of byte 1 at T+0:00:00.002005500: SCK rising  -> 1, samples bit 7 (b0): MOSI=1 MISO=0');
    expect(edge(17)).toBe('edge 16/16 of byte 1 at T+0:00:00.002005750: SCK falling -> 0, ends the byte');
    expect(edge(18)).toBe('edge 1/16 of byte 2 at T+0:00:00.002007000: SCK rising  -> 1, samples bit 0 (b7): MOSI=1 MISO=0');
    expect(s.reply(18)).toContain('byte 2/2');
    expect(edge(19)).toBe('edge 16/16 of byte 1 at T+0:00:00.002005750: SCK falling -> 0, ends the byte');
    expect(edge(20)).toBe('edge 15/16 of byte 1 at T+0:00:00.002005500: SCK rising  -> 1, samples bit 7 (b0): MOSI=1 MISO=0');
  });

  it('shows mode 3, LSB-first edges: set up on falling (leading), sampled on rising (trailing)', async () => {
    const spi = spiWindow({ t: 1_000n, mosi: [0x01], miso: [0x80], mode: 3, lsbFirst: true });
    const s = await session(traceFileSource(traceFile([spi])), ['ne', 'ne']);
    expect(s.reply(0)).toContain('SCK falling -> 0, shifts out bit 0 (b0): MOSI=1 MISO=0');
    expect(s.reply(1)).toContain('SCK rising  -> 1, samples bit 0 (b0): MOSI=1 MISO=0');
  });

  it('flags lost bytes and timing violations', async () => {
    const spi = spiWindow({ t: 1_000n, mosi: [0xfe, 0xfd], sckHz: 4_000_000, lost: [1], violations: ['byte 0: SCK 4000000 Hz > fosc/4 (2000000 Hz)'] });
    const s = await session(traceFileSource(traceFile([spi])), ['n']);
    expect(s.reply(0)).toContain('  4 MHz, mode 0 (CPOL 0, CPHA 0), MSB first, 2 bytes');
    expect(s.reply(0)).toMatch(/byte 1\/2 .*zones on: 0\n/);
    expect(s.reply(0)).toMatch(/byte 2\/2 .*zones on: 1 LOST \(SPIF still set, the AVR had not read the previous byte\)\n/);
    expect(s.reply(0)).toContain('  timing violation: byte 0: SCK 4000000 Hz > fosc/4 (2000000 Hz)');
  });

  it('jumps to times in every accepted spelling and says what happened last', async () => {
    const s = await session(day(), ['goto T+16:00:05.299', 'goto +1ms', 'goto T+4s', 'goto T+1h 30min', 'goto T+16:01', 'goto -250ns', 'goto T+0s', 'goto tomorrow', 'goto', 'goto T+3000000001ns', 'goto 16:00']);
    expect(s.reply(0)).toBe('at T+16:00:05.299000000, last event -1ms:\n  T+16:00:05.298000000  MQTT sec_mqtt_client_00_03 <- broker: PUBLISH irrigation/zone/on "2 120"\n');
    expect(s.reply(1)).toMatch(/^at T\+16:00:05\.300000000, last event \+0s:\n  T\+16:00:05\.300000000  SPI 1 byte MOSI fb MISO 00/);
    expect(s.reply(2)).toContain('at T+0:00:04.000000000');
    expect(s.reply(2)).toContain('serial "Waiting for NTP time sync: Ready."');
    expect(s.reply(3)).toContain('at T+1:30:00.000000000');
    expect(s.reply(4)).toContain('at T+16:01:00.000000000');
    expect(s.reply(5)).toContain('at T+16:00:59.999999750');
    expect(s.reply(6)).toContain('at T+0:00:00.000000000');
    expect(s.reply(7)).toMatch(/^goto: "tomorrow" is not a virtual time \(want T\+h:mm:ss\.fff/);
    expect(s.reply(8)).toMatch(/^goto: missing time/);
    expect(s.reply(9)).toContain('at T+0:00:03.000000001'); // VCD timestamps, with their unit
    expect(s.reply(10)).toMatch(/^goto: "16:00" is a clock time; virtual times since power-on are written T\+16:00/);
    // After goto, stepping continues from that time.
    const t = await session(day(), ['goto T+16:00:30', 'n', 'p']);
    expect(t.reply(1)).toContain('SPI transaction #2');
    expect(t.reply(2)).toContain('SPI transaction #1');
  });

  it('continues to breakpoints on a MOSI pattern with wildcards, a zone change, a topic and a serial line', async () => {
    const mosi = await session(traceFileSource(traceFile(MULTI)), ['break mosi xx 81', 'c', 'c', 'break miso 8x', 'c', 'breaks', 'delete 1', 'breaks']);
    expect(mosi.reply(0)).toBe('Breakpoint 1: mosi xx 81\n');
    expect(mosi.reply(1)).toContain('Breakpoint 1 (mosi xx 81) at T+0:00:00.002000000');
    expect(mosi.reply(1)).toContain('byte 1/2'); // the pattern starts at the first byte
    expect(mosi.reply(2)).toMatch(/^end of .*trace\.jsonl reached at T\+0:00:00\.003007125, no breakpoint hit/);
    expect(mosi.reply(4)).toMatch(/^end of/); // miso 8x hits SPI #3, which is before the cursor now
    expect(mosi.reply(5)).toBe('  1  mosi xx 81\n  2  miso 8x\n');
    expect(mosi.reply(7)).toBe('  2  miso 8x\n');

    const s = await session(day(), ['break zone 5', 'break topic irrigation/+/on', 'break serial /Zone-\\d TURN ON for \\d+ seconds/', 'c', 'c', 'c', 'c', 'c', 'c', 'c', 'p']);
    const hits = [3, 4, 5, 6, 7, 8].map((i) => /^Breakpoint (\d) \((.*?)\) at (\S+)/.exec(s.reply(i))?.slice(1).join(' '));
    expect(hits).toEqual([
      '2 topic irrigation/+/on T+16:00:05.298000000',
      '3 serial /Zone-\\d TURN ON for \\d+ seconds/ T+16:00:05.320000000',
      '2 topic irrigation/+/on T+16:01:05.298000000',
      '1 zone 5 T+16:01:05.300007125',
      '3 serial /Zone-\\d TURN ON for \\d+ seconds/ T+16:01:05.320000000',
      '1 zone 5 T+16:01:35.300007125', // zone 5 turning off is a change too
    ]);
    expect(s.reply(6)).toContain('relays on: 5 (PORTD 0xdf, DDRD 0xff)');
    expect(s.reply(9)).toMatch(/^end of .* no breakpoint hit/);
    expect(s.reply(10)).toContain('SPI transaction #3'); // stepping back from the end
  });

  it('stops at any zone change, and continues to the end without breakpoints', async () => {
    const s = await session(traceFileSource(traceFile(MULTI)), ['break zone any', 'c', 'c', 'c', 'c']);
    expect(s.blocks.slice(1, 4).map((b) => /at (\S+)/.exec(b)![1])).toEqual(['T+0:00:00.001007125', 'T+0:00:00.002013000', 'T+0:00:00.003007125']);
    const t = await session(day(), ['c', 'c']);
    expect(t.reply(0)).toMatch(/^no breakpoints set: running to the end\nend of .* reached at T\+16:01:36\.300000000\n/);
  });

  it('rejects bad breakpoints with the reason', async () => {
    const s = await session(day(), ['break mosi 3g', 'break mosi f', 'break zone 8', 'break topic a/#/b', 'break serial /(/', 'break pin x', 'break mosi', 'delete 4', 'breaks']);
    expect(s.reply(0)).toMatch(/^break: byte pattern "3g": expected hex bytes with xx wildcards/);
    expect(s.reply(1)).toMatch(/^break: byte pattern "f"/);
    expect(s.reply(2)).toMatch(/^break zone "8": expected a zone 0\.\.7 or "any"/);
    expect(s.reply(3)).toMatch(/^break topic: '#' must be a whole last level/);
    expect(s.reply(4)).toMatch(/^break: bad regular expression \/\(\//);
    expect(s.reply(5)).toMatch(/^break: unknown kind "pin" \(expected mosi, miso, zone, topic, serial, avr\)/);
    expect(s.reply(6)).toMatch(/^break mosi: missing byte pattern/);
    expect(s.reply(7)).toMatch(/^delete: no breakpoint "4"/);
    expect(s.reply(8)).toBe('no breakpoints\n');
  });

  it('searches any event kind, repeats the last search, and says when nothing is left', async () => {
    const s = await session(day(), ['search wifi', 'search zone/on', 'search', 'search', 'search', 'search nothing-like-this', 'search']);
    expect(s.reply(0)).toContain('T+0:00:03.000000000  node wifi-connected {"ssid":"irrigation","ip":"10.0.0.23"}');
    expect(s.reply(1)).toContain('T+16:00:00.300000000  MQTT sec_mqtt_client_00_03 -> broker: SUBSCRIBE irrigation/zone/on');
    expect(s.reply(2)).toContain('T+16:00:05.298000000  MQTT sec_mqtt_client_00_03 <- broker: PUBLISH irrigation/zone/on "2 120"');
    expect(s.reply(3)).toContain('T+16:01:05.298000000');
    expect(s.reply(4)).toMatch(/^"zone\/on" not found after T\+16:01:05\.298000000/);
    expect(s.reply(5)).toMatch(/^"nothing-like-this" not found/);
    expect(s.reply(6)).toMatch(/^"nothing-like-this" not found/);
  });

  it('shows the transaction, both chips and the MQTT messages around the cursor', async () => {
    const s = await session(day(), ['n', 'ne', 'show', 'window 10ms', 'goto T+16:01:10', 'show', 'window 1min', 'show']);
    const show = s.reply(2);
    expect(show).toContain('Cursor at T+16:00:05.300002000  SPI 1 byte MOSI fb MISO 00 -> zones on: 2');
    expect(show).toContain('SPI transaction #1 at T+16:00:05.300000000, SS low for 8us');
    expect(show).toContain('  2 MHz, mode 0 (CPOL 0, CPHA 0), MSB first, 1 byte');
    expect(show).toContain('  meaning: relay bitmap 0x04 (= ~last MOSI byte), energised zones: 2');
    expect(show).toContain('  cursor on edge 1/16 of byte 1 at T+16:00:05.300002000: SCK rising  -> 1, samples bit 0 (b7): MOSI=1 MISO=0');
    expect(show).toContain('AVR (ATmega168) at SS rising, T+16:00:05.300008000:');
    expect(show).toContain('  PC 0x007a (word)  SP 0x04fb  SREG 0x82 [I|Z]  cycles 460842400000');
    expect(show).toContain('  SPCR 0x40 [SPE]  SPSR 0x80 [SPIF]  SPDR 0xfb');
    expect(show).toContain('  PORTD 0xfb 0b11111011  DDRD 0xff 0b11111111');
    expect(show).toContain('  millis() 60000300  free heap 18432 bytes  MQTT state 0 MQTT_CONNECTED');
    expect(show).toContain('  zones: 2 on, 120.000 s left');
    expect(show).toContain('  WiFi WL_CONNECTED  time() 1764086405 (2025-11-25T16:00:05.000Z)  last SSL error 0 BR_ERR_OK  boots 1');
    expect(show).toContain('Relays at the cursor: zones on: none');
    expect(show).toMatch(/MQTT within ±1s:\n +-2ms 2us  MQTT sec_mqtt_client_00_03 <- broker: PUBLISH irrigation\/zone\/on "2 120"\n$/);
    expect(s.reply(3)).toBe('show lists MQTT messages within ±10ms of the cursor\n');
    const later = s.reply(5);
    expect(later).toContain('Last SPI transaction before the cursor:\nSPI transaction #2 at T+16:01:05.300000000');
    expect(later).toContain('  zones: 5 on, 30.000 s left');
    expect(later).toContain('Relays at the cursor: zones on: 5');
    expect(later).toMatch(/MQTT within ±10ms: none\n$/);
    expect(s.reply(7)).toMatch(/MQTT within ±1min:\n +-4s 702ms  .*"5 30"\n$/);
  });

  it('prints help, history, rejects unknown commands and keeps going; an empty line repeats a step', async () => {
    const s = await session(day(), ['help', 'frobnicate 3', 'n', '', 'history', 'q', 'n']);
    for (const cmd of ['next, n', 'prev, p', 'nextbyte, nb', 'prevbyte, pb', 'nextedge, ne', 'prevedge, pe', 'goto, g <time>', 'continue, c', 'break, b <kind> <what>', 'breaks', 'delete, d <n>', 'search, s, / <text>', 'show', 'history', 'help', 'quit, q']) {
      expect(s.reply(0)).toContain(`  ${cmd}`);
    }
    expect(s.reply(1)).toBe('unknown command "frobnicate" (type help for the list)\n');
    expect(s.reply(3)).toContain('SPI transaction #2'); // the empty line ran `n` again
    expect(s.reply(4)).toBe('   1  help\n   2  frobnicate 3\n   3  n\n   4  history\n');
    expect(s.blocks.length).toBe(6); // nothing after q is read
    expect(s.code).toBe(0);
  });

  it('ends at end of input like quit', async () => {
    const s = await session(day(), ['n']);
    expect(s.code).toBe(0);
    expect(s.blocks.length).toBe(1);
    const empty = await session(day(), []);
    expect(empty.code).toBe(0);
    expect(empty.out.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('completes command names and breakpoint kinds', () => {
    const ses = new StepSession(day(), () => undefined);
    expect(ses.complete('ne')).toEqual([['next', 'nextbyte', 'nextedge', 'ne'], 'ne']);
    expect(ses.complete('break z')).toEqual([['zone '], 'z']);
    expect(ses.complete('goto 1')).toEqual([[], 'goto 1']);
  });

  it('prompts and colours at a terminal', async () => {
    const s = await session(day(), ['n', 'bogus'], { isTTY: true });
    expect(s.out).toContain('step> ');
    expect(s.out).toContain('\x1b[');
    expect(s.out).toContain('SPI transaction #1');
  });

  it('reports a bad trace file with its line', () => {
    const path = traceFile(sampleTrace());
    writeFileSync(path, `${encodeTraceEvent(sampleTrace()[0]!)}\n{"kind":"serial","t":"1"}\n`);
    expect(() => traceFileSource(path)).toThrow(/trace\.jsonl:2: serial: missing field "text"/);
  });
});

describe('esphil step over a scenario that runs as you step', () => {
  /** Hands out the day trace a few events per more(), the way the world records them: SPI windows after the events inside them. */
  function lazyDay(chunk = 3): StepperSource & { calls: number } {
    const rec = new TraceRecorder();
    const arrival: TraceEvent[] = sampleTrace().flatMap((e) => (e.kind === 'spi' ? [] : [e]));
    // Each SPI window arrives right after the relay event inside it.
    for (const spi of sampleTrace().filter((e) => e.kind === 'spi')) {
      const inside = arrival.findIndex((e) => e.kind === 'relays' && e.t > spi.t);
      arrival.splice(inside + 1, 0, spi);
    }
    let next = 0;
    const src = {
      events: rec.events,
      label: 'irrigation-day.yaml',
      calls: 0,
      more: async () => {
        src.calls++;
        if (next >= arrival.length) return false;
        arrival.slice(next, next + chunk).forEach((e) => rec.record(e));
        next += chunk;
        return true;
      },
    };
    return src;
  }

  it('runs further only when a command needs events it does not have yet', async () => {
    const src = lazyDay();
    const s = await session(src, ['n', 'p', 'n', 'n', 'n', 'n']);
    expect(s.out).toMatch(/^esphil step: irrigation-day\.yaml: 0 events, 0 SPI transactions so far/);
    expect(s.reply(0)).toContain('SPI transaction #1 at T+16:00:05.300000000');
    expect(s.reply(1)).toMatch(/^no earlier SPI transaction/);
    expect(s.reply(2)).toContain('SPI transaction #2');
    expect(s.reply(3)).toContain('SPI transaction #3');
    expect(s.reply(4)).toMatch(/^no later SPI transaction \(irrigation-day\.yaml has 20 events\)/);
    expect(s.reply(5)).toMatch(/^no later SPI transaction/);
    expect(src.calls).toBe(8); // 7 chunks + the one that said finished, never asked again
  });

  it('stops at the first transaction without running the rest of the scenario', async () => {
    const src = lazyDay(1);
    const s = await session(src, ['n']);
    expect(s.reply(0)).toContain('SPI transaction #1');
    expect(src.events.length).toBe(12); // up to the SPI window (which arrives after its relay event)
    expect(src.events.at(-1)!.kind).toBe('relays');
  });

  it('finds breakpoints on SPI windows inserted behind events already scanned', async () => {
    const src = lazyDay(1);
    const s = await session(src, ['break mosi df', 'c', 'show', 'goto T+16:01:35.300003', 'pb']);
    expect(s.reply(1)).toContain('Breakpoint 1 (mosi df) at T+16:01:05.300000000');
    expect(s.reply(2)).toMatch(/MQTT within ±1s:\n +-2ms 2us  MQTT .*"5 30"/);
    expect(s.reply(4)).toMatch(/SPI #3 at T\+16:01:35\.300000000\n  byte 1\/1 at T\+16:01:35\.300002000: MOSI 0xff/); // started before the cursor
  });

  it('exits 1 and says why when the scenario fails to run further', async () => {
    let n = 0;
    const events: TraceEvent[] = [];
    const src: StepperSource = {
      events,
      label: 'broken.yaml',
      more: async () => {
        if (n++ === 0) {
          events.push(spiWindow({ t: 1_000n, mosi: [0xfe] }));
          return true;
        }
        throw new Error('broker refused the node certificate');
      },
    };
    const s = await session(src, ['n', 'n', 'p']);
    expect(s.reply(0)).toContain('SPI transaction #1');
    expect(s.reply(1)).toContain('broken.yaml: broker refused the node certificate');
    expect(s.reply(1)).toContain('no later SPI transaction');
    expect(s.code).toBe(1);
  });
});
