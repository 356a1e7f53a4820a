// SPI slave mode, datasheet section 19 (ATmega48A/PA/88A/PA/168A/PA/328/P):
// 19.3 "SS Pin Functionality", Table 19-2 (CPOL/CPHA modes), 19.5.1 SPCR,
// 19.5.2 SPSR (SPIF, WCOL), Table 11-1 (SPI STC vector at word 0x22).
import { describe, expect, it } from 'vitest';
import { JMP_MAIN, MAIN, SPI_2MHZ_MODE0, mcuWith } from '../test/helpers.ts';
import type { SPIByte, SPIMode } from './spi-slave.ts';
import { reverseBits } from './spi-slave.ts';

const SPSR = 0x4d;
const SPDR = 0x4e;
const PORTD = 0x2b;
const PINB = 0x23;
const SPIF = 0x80;
const WCOL = 0x40;

/** Slave that polls SPIF, copies each byte to PORTD and answers the next with its complement. */
const pollingSlave = (spcr: number, firstAnswer = 0xa6, ddrb = 0x10) => ({
  0: JMP_MAIN,
  [MAIN]: `
    ldi r16, ${ddrb}
    out 0x04, r16   ; DDRB: MISO output
    ldi r16, ${firstAnswer}
    out 0x2e, r16   ; SPDR
    ldi r16, ${spcr}
    out 0x2c, r16   ; SPCR
  wait:
    in r0, 0x2d     ; SPSR
    sbrs r0, 7      ; SPIF
    rjmp wait
    in r17, 0x2e    ; SPDR (clears SPIF after the SPSR read)
    out 0x0b, r17   ; PORTD
    com r17
    out 0x2e, r17
    rjmp wait`,
});

/** Slave that enables SPI and then never touches it. */
const deafSlave = (spcr = 0x40) => ({
  0: JMP_MAIN,
  [MAIN]: `
    ldi r16, 0x10
    out 0x04, r16
    ldi r16, ${spcr}
    out 0x2c, r16
  idle:
    rjmp idle`,
});

function transfer(avr: ReturnType<typeof mcuWith>, mosi: number, opts = SPI_2MHZ_MODE0 as { sckHz: number; mode: SPIMode; lsbFirst: boolean }) {
  const miso = avr.spi.clockByte(mosi, opts);
  avr.runUntil(avr.cycles + Math.ceil((8 * 8e6) / opts.sckHz));
  avr.runUntil(avr.cycles + 100);
  return miso;
}

function recorded(avr: ReturnType<typeof mcuWith>): SPIByte[] {
  const bytes: SPIByte[] = [];
  avr.spi.onByte((b) => bytes.push(b));
  return bytes;
}

describe('SPI slave', () => {
  it('receives a byte 8 SCK periods after the first edge and shifts out SPDR as written before it', () => {
    const avr = mcuWith(pollingSlave(0x40));
    const bytes = recorded(avr);
    avr.runUntil(200);
    avr.spi.setSS(false);
    const start = avr.cycles;
    expect(avr.spi.clockByte(0x3c, SPI_2MHZ_MODE0)).toBe(0xa6);
    expect(avr.nextEventCycle()).toBe(start + 32); // 8 periods of 4 cycles at 2 MHz / 8 MHz
    avr.runUntil(start + 31);
    expect(avr.cpu.data[PORTD]).toBe(0);
    avr.runUntil(start + 200);
    expect(avr.cpu.data[PORTD]).toBe(0x3c);
    expect(avr.cpu.data[SPSR] & SPIF).toBe(0); // SPSR read with SPIF set, then SPDR read
    expect(bytes).toEqual([{ startCycle: start, endCycle: start + 32, mosi: 0x3c, miso: 0xa6, lost: false, received: 0x3c, violation: undefined }]);
    expect(transfer(avr, 0x00)).toBe(0xc3);
  });

  for (const mode of [0, 1, 2, 3] as SPIMode[]) {
    for (const lsbFirst of [false, true]) {
      it(`works in SPI mode ${mode}, ${lsbFirst ? 'LSB' : 'MSB'} first (Table 19-2, DORD)`, () => {
        const spcr = 0x40 | (lsbFirst ? 0x20 : 0) | (mode << 2);
        const avr = mcuWith(pollingSlave(spcr));
        avr.runUntil(100);
        avr.spi.setSS(false);
        const opts = { sckHz: 1_000_000, mode, lsbFirst };
        expect(transfer(avr, 0x1e, opts)).toBe(0xa6);
        expect(avr.cpu.data[PORTD]).toBe(0x1e);
        expect(transfer(avr, 0x00, opts)).toBe(0xe1);
        expect(avr.stats.modeMismatches + avr.stats.timingViolations).toBe(0);
      });
    }
  }

  it('bit-reverses both directions when DORD differs from the master', () => {
    const avr = mcuWith(pollingSlave(0x60)); // DORD = 1: LSB first
    avr.runUntil(100);
    avr.spi.setSS(false);
    expect(transfer(avr, 0x1e)).toBe(reverseBits(0xa6));
    expect(avr.cpu.data[PORTD]).toBe(0x78);
  });

  it('records a mode the slave is not set up for as a violation', () => {
    const avr = mcuWith(pollingSlave(0x44)); // CPHA = 1: mode 1
    const bytes = recorded(avr);
    avr.runUntil(100);
    avr.spi.setSS(false);
    transfer(avr, 0x42);
    expect(bytes[0]!.violation).toBe('master uses SPI mode 0, SPCR selects mode 1');
    expect(avr.stats.modeMismatches).toBe(1);
  });

  it('records SCK above fosc/4 as a timing violation (19.3.2)', () => {
    const avr = mcuWith(pollingSlave(0x40));
    const bytes = recorded(avr);
    avr.runUntil(100);
    avr.spi.setSS(false);
    transfer(avr, 0x01, { sckHz: 2_000_000, mode: 0, lsbFirst: false });
    transfer(avr, 0x02, { sckHz: 4_000_000, mode: 0, lsbFirst: false });
    expect(bytes.map((b) => b.violation)).toEqual([undefined, 'SCK 4000000 Hz > fosc/4 (2000000 Hz)']);
    expect(bytes[1]!.endCycle - bytes[1]!.startCycle).toBe(16);
    expect(avr.stats.timingViolations).toBe(1);
  });

  it('ignores bytes while SS is high and drives MISO only when PB4 is an output', () => {
    const avr = mcuWith(pollingSlave(0x40, 0x5a, 0x00)); // DDRB = 0: MISO is an input
    const bytes = recorded(avr);
    avr.runUntil(100);
    expect(avr.spi.ssHigh).toBe(true);
    expect(avr.cpu.data[PINB] & 0x04).toBe(0x04);
    expect(transfer(avr, 0x11)).toBe(0xff);
    expect(avr.cpu.data[PORTD]).toBe(0);
    expect(bytes[0]!.ignored).toBe('SS high');
    avr.spi.setSS(false);
    expect(avr.cpu.data[PINB] & 0x04).toBe(0); // SS is PB2
    expect(transfer(avr, 0x22)).toBe(0xff);
    expect(avr.cpu.data[PORTD]).toBe(0x22);
  });

  it('aborts the byte in progress when SS goes high and resets the shift logic (19.3.1)', () => {
    const avr = mcuWith(pollingSlave(0x40));
    const bytes = recorded(avr);
    avr.runUntil(100);
    avr.spi.setSS(false);
    avr.spi.clockByte(0x77, SPI_2MHZ_MODE0);
    avr.runUntil(avr.cycles + 12);
    avr.spi.setSS(true);
    avr.runUntil(avr.cycles + 200);
    expect(avr.cpu.data[SPSR] & SPIF).toBe(0);
    expect(avr.cpu.data[PORTD]).toBe(0);
    expect(bytes[0]!.aborted).toBe('SS high');
    expect(avr.nextEventCycle()).toBeUndefined();
    avr.spi.setSS(false);
    transfer(avr, 0x99);
    expect(avr.cpu.data[PORTD]).toBe(0x99);
    expect(avr.stats).toMatchObject({ bytes: 1, abortedBytes: 1 });
  });

  it('loses the unread byte when the next one completes, and counts it', () => {
    const avr = mcuWith(deafSlave());
    const bytes = recorded(avr);
    avr.runUntil(100);
    avr.spi.setSS(false);
    for (const b of [1, 2, 3]) transfer(avr, b);
    expect(bytes.map((b) => b.lost)).toEqual([false, true, true]);
    expect(avr.stats.lostBytes).toBe(2);
    expect(avr.cpu.readData(SPDR)).toBe(3);
    transfer(avr, 4);
    expect(avr.stats.lostBytes).toBe(2); // SPDR was read before byte 4 completed
  });

  it('sets WCOL on an SPDR write during a transfer; SPSR read then SPDR access clears SPIF and WCOL (19.5.2)', () => {
    const avr = mcuWith(deafSlave());
    avr.runUntil(100);
    avr.spi.setSS(false);
    expect(avr.spi.clockByte(0x10, SPI_2MHZ_MODE0)).toBe(0);
    avr.cpu.writeData(SPDR, 0x55);
    expect(avr.cpu.data[SPSR]).toBe(WCOL);
    avr.runUntil(avr.cycles + 40);
    expect(avr.cpu.data[SPSR]).toBe(SPIF | WCOL);
    avr.cpu.readData(SPDR); // SPDR access without reading SPSR first: flags stay
    expect(avr.cpu.data[SPSR]).toBe(SPIF | WCOL);
    avr.cpu.readData(SPSR);
    avr.cpu.writeData(SPDR, 0x66);
    expect(avr.cpu.data[SPSR]).toBe(0);
    expect(avr.spi.clockByte(0x20, SPI_2MHZ_MODE0)).toBe(0x66); // the write after the transfer was taken
    expect(avr.stats.writeCollisions).toBe(1);
  });

  it('takes the SPI STC interrupt at word 0x22 when SPIE is set, which clears SPIF (Table 11-1)', () => {
    const avr = mcuWith({
      0: JMP_MAIN,
      0x22: 'jmp 0x60',
      0x30: `
        in r17, 0x2e
        out 0x0b, r17
        in r18, 0x2d   ; SPSR inside the handler
        reti`,
      [MAIN]: `
        ldi r16, 0x10
        out 0x04, r16
        ldi r16, 0xc0   ; SPIE | SPE
        out 0x2c, r16
        sei
      idle:
        rjmp idle`,
    });
    avr.runUntil(100);
    avr.spi.setSS(false);
    transfer(avr, 0xe7);
    expect(avr.cpu.data[PORTD]).toBe(0xe7);
    expect(avr.cpu.data[18]! & SPIF).toBe(0);
    expect(avr.cpu.data[SPSR] & SPIF).toBe(0);
  });
});
