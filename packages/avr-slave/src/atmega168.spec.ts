// ATmega168 as a whole: memory sizes (datasheet 8.1-8.4), reset values of the
// I/O registers (the "Initial Value" row of each register), the reset sources
// of section 10.2 (MCUSR flags) and what a reset keeps (SRAM, EEPROM).
import { describe, expect, it } from 'vitest';
import { JMP_MAIN, MAIN, mcuWith } from '../test/helpers.ts';
import { ATmega168 } from './atmega168.ts';

const SPCR = 0x4c;
const TCCR0B = 0x45;
const DDRD = 0x2a;
const PORTD = 0x2b;
const MCUSR = 0x54;

/** Sets relays 4..7, starts timer 0 and SPI, writes SRAM, then idles. */
const busyIO = {
  0: JMP_MAIN,
  [MAIN]: `
    ldi r16, 0x0f
    out 0x0b, r16   ; PORTD
    ldi r16, 0xff
    out 0x0a, r16   ; DDRD
    ldi r16, 0x40
    out 0x2c, r16   ; SPCR: SPE
    ldi r16, 0x01
    out 0x25, r16   ; TCCR0B: clk/1
    ldi r16, 0x42
    sts 0x100, r16
  idle:
    rjmp idle`,
};

describe('ATmega168', () => {
  it('has 16 KB flash, 1 KB SRAM (RAMEND 0x4FF) and 512 B EEPROM', () => {
    const avr = new ATmega168();
    expect(avr.cpu.progMem.length).toBe(0x2000);
    expect(avr.cpu.data.length).toBe(0x500);
    expect(avr.eepromMemory.memory.length).toBe(512);
    expect(avr.frequency).toBe(8_000_000);
  });

  it('starts with the datasheet initial values', () => {
    const avr = new ATmega168();
    const d = avr.cpu.data;
    expect(avr.cpu.SP).toBe(0x4ff);
    expect(avr.cpu.pc).toBe(0);
    expect(d[MCUSR]).toBe(0x01); // PORF
    expect(d[0xc0]).toBe(0x20); // UCSR0A: UDRE0
    expect(d[0xc2]).toBe(0x06); // UCSR0C: 8-bit frames
    expect([d[0xb9], d[0xba], d[0xbb]]).toEqual([0xf8, 0xfe, 0xff]); // TWSR, TWAR, TWDR
    for (const addr of [0x23 + 1, 0x25, 0x2a, 0x2b, SPCR, 0x4d, TCCR0B, 0x53, 0x5f, 0x60, 0x6e, 0x81]) expect(d[addr]).toBe(0);
  });

  it('holds the chip in reset while RESET is low: I/O at initial values, nothing runs; restarts on the rising edge', () => {
    const avr = mcuWith(busyIO);
    avr.runUntil(100);
    expect(avr.relays.energised()).toEqual([4, 5, 6, 7]);
    expect(avr.nextEventCycle()).toBeDefined(); // timer 0 ticking
    avr.setResetPin(false);
    expect([avr.cpu.data[PORTD], avr.cpu.data[DDRD], avr.cpu.data[SPCR], avr.cpu.data[TCCR0B]]).toEqual([0, 0, 0, 0]);
    expect(avr.relays.energised()).toEqual([]);
    expect(avr.cpu.data[MCUSR]).toBe(0x03); // PORF kept, EXTRF
    avr.runUntil(10_000);
    expect(avr.cycles).toBe(10_000);
    expect(avr.cpu.pc).toBe(0);
    expect(avr.cpu.data[PORTD]).toBe(0);
    expect(avr.nextEventCycle()).toBeUndefined();
    expect(avr.isIdle()).toBe(true);
    avr.cpu.data[0x100] = 0x99; // marks SRAM: a reset does not clear it
    avr.setResetPin(true);
    avr.runUntil(10_030);
    expect(avr.relays.energised()).toEqual([4, 5, 6, 7]);
    expect(avr.relays.history.map((h) => [h.on.length, h.cycle >= 10_000])).toEqual([
      [4, false],
      [0, false],
      [4, true],
    ]);
    expect(avr.stats.resets).toEqual({ 'power-on': 2, external: 1, watchdog: 0 });
  });

  it('keeps SRAM and EEPROM across a reset', () => {
    const avr = mcuWith({ 0: JMP_MAIN, [MAIN]: 'idle: rjmp idle' });
    avr.runUntil(10);
    avr.cpu.data[0x200] = 0x5a;
    avr.eepromMemory.memory[0x1ff] = 0x33;
    avr.setResetPin(false);
    avr.setResetPin(true);
    expect(avr.cpu.data[0x200]).toBe(0x5a);
    expect(avr.eepromMemory.memory[0x1ff]).toBe(0x33);
  });

  it('reads and writes the 512-byte EEPROM through EEAR/EEDR/EECR; EEARH has only EEAR8', () => {
    const avr = mcuWith({
      0: JMP_MAIN,
      [MAIN]: `
        ldi r16, 0xff
        out 0x22, r16   ; EEARH: only bit 0 sticks
        ldi r16, 0x10
        out 0x21, r16   ; EEARL
        ldi r16, 0xab
        out 0x20, r16   ; EEDR
        sbi 0x1f, 2     ; EEMPE
        sbi 0x1f, 1     ; EEPE
      wait:
        sbic 0x1f, 1
        rjmp wait
        sbi 0x1f, 0     ; EERE
        in r20, 0x20
      idle:
        rjmp idle`,
    });
    avr.runUntil(0.004 * 8e6);
    expect(avr.cpu.data[0x42]).toBe(0x01);
    expect(avr.eepromMemory.memory[0x110]).toBe(0xab);
    expect(avr.cpu.data[20]).toBe(0xab);
  });

  it('rejects an oversized program and a non-finite target', () => {
    const avr = new ATmega168();
    expect(() => avr.loadProgram(new Uint8Array(16 * 1024 + 2))).toThrow('program of 16386 bytes exceeds the 16384-byte flash');
    expect(() => avr.runUntil(Number.NaN)).toThrow('target cycle NaN is not finite');
  });
});
