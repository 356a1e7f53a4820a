// The bundled relay firmware (firmware/relay-slave.c) end to end, both builds.
import { describe, expect, it } from 'vitest';
import type { SPIByte } from '../src/index.ts';
import { bootBundled, spiWindow, type Build } from './bundled-firmware.ts';

const HOUR = 8_000_000 * 3600;
const PORTD = 0x2b;
const DDRD = 0x2a;

describe.each(['sleep', 'poll'] as Build[])('relay-slave firmware (%s build)', (build) => {
  it('boots with PORTD = 0xFF, DDRD = 0xFF: every relay off, the core idle', () => {
    const avr = bootBundled(build);
    expect([avr.cpu.data[PORTD], avr.cpu.data[DDRD]]).toEqual([0xff, 0xff]);
    expect(avr.relays.energised()).toEqual([]);
    expect(avr.relays.history).toEqual([]); // PORTD is set before DDRD: no relay glitch
    expect(avr.isIdle()).toBe(true);
    expect(avr.sleeping).toBe(build === 'sleep');
  });

  it('writes each byte to PORTD and answers with the PORTD value in force before it (2 MHz, mode 0)', () => {
    const avr = bootBundled(build);
    const seq = [0xfb, 0xfe, 0x7f, 0xff, 0x00];
    const miso = seq.map((b, i) => {
      const [m] = spiWindow(avr, 100_000 * (i + 1), [b]);
      expect(avr.cpu.data[PORTD]).toBe(b);
      return m;
    });
    expect(miso).toEqual([0xff, ...seq.slice(0, -1)]);
    expect(avr.relays.history.map((h) => h.on)).toEqual([[2], [0], [7], [], [0, 1, 2, 3, 4, 5, 6, 7]]);
    expect(avr.relays.history[0]!.cycle).toBeGreaterThan(100_032);
    expect(avr.relays.history[0]!.cycle).toBeLessThan(100_100);
    expect(avr.stats).toMatchObject({ bytes: 5, lostBytes: 0, timingViolations: 0, writeCollisions: 0 });
  });

  it('keeps up with back-to-back bytes at 2 MHz', () => {
    const avr = bootBundled(build);
    expect(spiWindow(avr, 50_000, [0xf0, 0x0f, 0xaa])).toEqual([0xff, 0xf0, 0x0f]);
    expect(avr.cpu.data[PORTD]).toBe(0xaa);
    expect(avr.stats.lostBytes).toBe(0);
  });

  // The interrupt handler reads SPDR about 18 cycles after SPIF, the polling loop within 8:
  // bytes of 16 (4 MHz SCK) resp. 4 cycles (16 MHz) outrun them. Both rates exceed fosc/4.
  const tooFast = build === 'sleep' ? 4_000_000 : 16_000_000;
  it(`loses bytes that arrive faster than it reads them, and records SCK above fosc/4 (${tooFast / 1e6} MHz)`, () => {
    const avr = bootBundled(build);
    const events: SPIByte[] = [];
    avr.spi.onByte((b) => events.push(b));
    const burst = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06];
    spiWindow(avr, 50_000, burst, { sckHz: tooFast, mode: 0, lsbFirst: false });
    expect(events.map((e) => e.violation)).toEqual(Array(6).fill(`SCK ${tooFast} Hz > fosc/4 (2000000 Hz)`));
    expect(avr.stats.timingViolations).toBe(6);
    expect(avr.stats.lostBytes).toBeGreaterThan(0);
    expect(avr.stats.lostBytes).toBe(events.filter((e) => e.lost).length);
    expect(burst).toContain(avr.cpu.data[PORTD]);
  });

  it('keeps up at 2 MHz, the fastest legal slave clock', () => {
    const avr = bootBundled(build);
    spiWindow(avr, 50_000, Array.from({ length: 32 }, (_, i) => i));
    expect(avr.stats).toMatchObject({ bytes: 32, lostBytes: 0, timingViolations: 0 });
    expect(avr.cpu.data[PORTD]).toBe(31);
  });

  it('ignores a byte cut short by SS going high', () => {
    const avr = bootBundled(build);
    spiWindow(avr, 10_000, [0xfd]);
    avr.runUntil(20_000);
    avr.spi.setSS(false);
    avr.spi.clockByte(0x00, { sckHz: 2_000_000, mode: 0, lsbFirst: false });
    avr.runUntil(20_016);
    avr.spi.setSS(true);
    avr.runUntil(30_000);
    expect(avr.relays.energised()).toEqual([1]);
    expect(avr.stats).toMatchObject({ bytes: 1, abortedBytes: 1 });
    // The four bits shifted before the abort stay in the shift register: 0xFD << 4.
    expect(spiWindow(avr, 40_000, [0xef])).toEqual([0xd0]);
    expect(avr.relays.energised()).toEqual([4]);
  });

  it('drops every relay while RESET is low and starts over when it is released', () => {
    const avr = bootBundled(build);
    spiWindow(avr, 10_000, [0xfb]);
    avr.setResetPin(false);
    expect(avr.relays.energised()).toEqual([]);
    avr.runUntil(100_000);
    avr.setResetPin(true);
    avr.runUntil(101_000, { stopWhenIdle: true });
    expect(avr.cpu.data[PORTD]).toBe(0xff);
    expect(spiWindow(avr, 200_000, [0xfe])).toEqual([0xff]);
  });

  it('jumps an hour with nothing happening instead of executing it', () => {
    const avr = bootBundled(build);
    spiWindow(avr, 10_000, [0x7f]);
    avr.runUntil(HOUR);
    expect(avr.relays.energised()).toEqual([7]);
    expect(avr.stats.fastForwardedCycles).toBeGreaterThan(HOUR - 100_000);
  });
});

describe('relay-slave release 2 (-DRELAY_VERSION=2)', () => {
  it('drives the relays like release 1 but answers every byte with its version, 2', () => {
    const avr = bootBundled('v2');
    const miso = [0xfb, 0xff].map((b, i) => {
      const [m] = spiWindow(avr, 100_000 * (i + 1), [b]);
      expect(avr.cpu.data[PORTD]).toBe(b);
      return m;
    });
    expect(miso).toEqual([0x02, 0x02]);
    expect(avr.relays.history.map((h) => h.on)).toEqual([[2], []]);
  });
});
