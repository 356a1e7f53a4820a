// Serial Downloading (datasheet 28.8): each instruction of Table 28-19 as a
// programmer sees it on MISO, the wait delays of Table 28-18 in virtual time,
// the lock bit modes of Table 28-2, and RESET released onto the new program.
import { describe, expect, it } from 'vitest';
import { JMP_MAIN, MAIN, flashImage, mcuWith } from '../test/helpers.ts';
import { ATmega168 } from './atmega168.ts';
import { T_WD_EEPROM_MS, T_WD_ERASE_MS, T_WD_FLASH_MS } from './isp.ts';

const SCK_HZ = 1_000_000; // below fosc/4, as 28.8 requires
const CYCLES_PER_BYTE = 64; // 8 bits at 1 MHz with an 8 MHz core
const ms = (n: number) => Math.round(n * 8000);

/** A programmer on the ISP header: RESET low, bytes back to back at 1 MHz. */
class Programmer {
  constructor(readonly avr: ATmega168 = new ATmega168()) {
    avr.setResetPin(false);
    avr.runUntil(avr.cycles + ms(20)); // 28.8.2 step 2: wait at least 20 ms before Programming Enable
  }

  send(...bytes: number[]): number[] {
    return bytes.map((b) => {
      const miso = this.avr.clockSpiByte(b, { sckHz: SCK_HZ, mode: 0, lsbFirst: false });
      this.avr.runUntil(this.avr.cycles + CYCLES_PER_BYTE);
      return miso;
    });
  }

  enable(): number[] {
    return this.send(0xac, 0x53, 0x00, 0x00);
  }

  wait(msDelay: number): void {
    this.avr.runUntil(this.avr.cycles + ms(msDelay));
  }

  readFlashWord(word: number): number {
    const lo = this.send(0x20, word >> 8, word & 0xff, 0)[3]!;
    const hi = this.send(0x28, word >> 8, word & 0xff, 0)[3]!;
    return (hi << 8) | lo;
  }

  loadWord(word: number, value: number): void {
    this.send(0x40, 0x00, word & 0x3f, value & 0xff);
    this.send(0x48, 0x00, word & 0x3f, value >> 8);
  }
}

describe('ATmega168 serial programming (datasheet 28.8, Table 28-19)', () => {
  it('Programming Enable echoes the second byte while the third is clocked', () => {
    const p = new Programmer();
    // The shift register loops each byte back during the next: 0x53 comes out with byte 3.
    expect(p.enable()).toEqual([0x00, 0xac, 0x53, 0x00]);
    expect(p.avr.isp.programmingEnabled).toBe(true);
  });

  it('ignores every instruction until Programming Enable', () => {
    const p = new Programmer();
    expect(p.send(0x30, 0x00, 0x00, 0x00)[3]).toBe(0x00); // loop-back only, no signature
    p.enable();
    expect(p.send(0x30, 0x00, 0x00, 0x00)[3]).toBe(0x1e);
  });

  it('Read Signature Byte: 0x1E 0x94 0x06 (28.3)', () => {
    const p = new Programmer();
    p.enable();
    expect([0, 1, 2].map((a) => p.send(0x30, 0x00, a, 0x00)[3])).toEqual([0x1e, 0x94, 0x06]);
  });

  it('Read Fuse bits, Fuse High bits, Extended Fuse Bits and Lock bits: the node 0xE2 0xDF 0xF9 0xFF', () => {
    const p = new Programmer();
    p.enable();
    expect(p.send(0x50, 0x00, 0x00, 0x00)[3]).toBe(0xe2);
    expect(p.send(0x58, 0x08, 0x00, 0x00)[3]).toBe(0xdf);
    expect(p.send(0x50, 0x08, 0x00, 0x00)[3]).toBe(0xf9);
    expect(p.send(0x58, 0x00, 0x00, 0x00)[3]).toBe(0xff);
  });

  it('Read Calibration Byte', () => {
    const p = new Programmer();
    p.enable();
    expect(p.send(0x38, 0x00, 0x00, 0x00)[3]).toBe(0x9a);
  });

  it('Read Program Memory low and high byte of a word', () => {
    const p = new Programmer(mcuWith({ 0: JMP_MAIN, [MAIN]: 'rjmp 0' }));
    p.enable();
    expect(p.readFlashWord(0)).toBe(0x940c); // jmp
    expect(p.readFlashWord(1)).toBe(MAIN);
  });

  it('Chip Erase sets flash and EEPROM to 0xFF, then stays busy tWD_ERASE (Table 28-18)', () => {
    const p = new Programmer(mcuWith({ 0: JMP_MAIN }));
    p.avr.eepromMemory.memory[5] = 0x42;
    p.enable();
    p.send(0xac, 0x80, 0x00, 0x00);
    expect(p.send(0xf0, 0x00, 0x00, 0x00)[3]).toBe(0x01);
    p.wait(T_WD_ERASE_MS);
    expect(p.send(0xf0, 0x00, 0x00, 0x00)[3]).toBe(0x00);
    expect(p.readFlashWord(0)).toBe(0xffff);
    expect(p.send(0xa0, 0x00, 0x05, 0x00)[3]).toBe(0xff);
  });

  it('Load Program Memory Page and Write Program Memory Page program one 64-word page', () => {
    const p = new Programmer();
    p.enable();
    p.loadWord(0, 0x1234);
    p.loadWord(63, 0xabcd);
    p.send(0x4c, 0x00, 0x40, 0x00); // page at word 0x40
    p.wait(T_WD_FLASH_MS);
    expect(p.readFlashWord(0x40)).toBe(0x1234);
    expect(p.readFlashWord(0x7f)).toBe(0xabcd);
    expect(p.readFlashWord(0x41)).toBe(0xffff); // not loaded: stays erased
  });

  it('Write Program Memory Page does not erase: cells only go from 1 to 0', () => {
    const p = new Programmer();
    p.enable();
    p.loadWord(0, 0xff0f);
    p.send(0x4c, 0x00, 0x00, 0x00);
    p.wait(T_WD_FLASH_MS);
    p.loadWord(0, 0x0ff0);
    p.send(0x4c, 0x00, 0x00, 0x00);
    p.wait(T_WD_FLASH_MS);
    expect(p.readFlashWord(0)).toBe(0x0f00);
  });

  it('Poll RDY/BSY reads 1 for tWD_FLASH after a page write; a write before ready is lost', () => {
    const p = new Programmer();
    p.enable();
    p.loadWord(0, 0x1111);
    p.send(0x4c, 0x00, 0x00, 0x00);
    expect(p.send(0xf0, 0x00, 0x00, 0x00)[3]).toBe(0x01);
    expect(p.send(0x20, 0x00, 0x00, 0x00)[3]).toBe(0xff); // read while busy
    p.loadWord(0, 0x2222); // too early: not loaded
    p.send(0x4c, 0x00, 0x40, 0x00); // too early: not written
    p.wait(T_WD_FLASH_MS);
    expect(p.send(0xf0, 0x00, 0x00, 0x00)[3]).toBe(0x00);
    expect(p.readFlashWord(0)).toBe(0x1111);
    expect(p.readFlashWord(0x40)).toBe(0xffff);
    expect(p.avr.isp.stats.lostWhileBusy).toBe(3);
  });

  it('Write EEPROM Memory and Read EEPROM Memory, tWD_EEPROM apart', () => {
    const p = new Programmer();
    p.enable();
    p.send(0xc0, 0x01, 0x10, 0x5a); // address 0x110
    p.send(0xc0, 0x00, 0x11, 0x66); // before tWD_EEPROM: lost
    p.wait(T_WD_EEPROM_MS);
    expect(p.send(0xa0, 0x01, 0x10, 0x00)[3]).toBe(0x5a);
    expect(p.send(0xa0, 0x00, 0x11, 0x00)[3]).toBe(0xff);
  });

  it('Load EEPROM Memory Page and Write EEPROM Memory Page write a 4-byte page', () => {
    const p = new Programmer();
    p.enable();
    p.send(0xc1, 0x00, 0x00, 0x11);
    p.send(0xc1, 0x00, 0x03, 0x44);
    p.send(0xc2, 0x00, 0x08, 0x00);
    p.wait(T_WD_EEPROM_MS);
    expect([8, 9, 10, 11].map((a) => p.send(0xa0, 0x00, a, 0x00)[3])).toEqual([0x11, 0xff, 0xff, 0x44]);
  });

  it('Write Fuse bits, Fuse High bits and Extended Fuse Bits', () => {
    const p = new Programmer();
    p.enable();
    p.send(0xac, 0xa0, 0x00, 0x62);
    p.wait(5);
    p.send(0xac, 0xa8, 0x00, 0xd7);
    p.wait(5);
    p.send(0xac, 0xa4, 0x00, 0xf8);
    p.wait(5);
    expect(p.avr.fuses).toMatchObject({ low: 0x62, high: 0xd7, extended: 0xf8 });
  });

  it('Write Lock bits: mode 3 hides flash and refuses programming and fuses until Chip Erase (Table 28-2)', () => {
    const p = new Programmer(mcuWith({ 0: JMP_MAIN }));
    p.enable();
    p.send(0xac, 0xe0, 0x00, 0xfc); // LB2:LB1 = 00
    p.wait(5);
    expect(p.send(0x58, 0x00, 0x00, 0x00)[3]).toBe(0xfc);
    expect(p.send(0x20, 0x00, 0x00, 0x00)[3]).toBe(0xff);
    p.send(0xac, 0xa0, 0x00, 0x00);
    p.wait(5);
    expect(p.send(0x50, 0x00, 0x00, 0x00)[3]).toBe(0xe2);
    p.send(0xac, 0xe0, 0x00, 0xff); // cannot unprogram
    p.wait(5);
    expect(p.send(0x58, 0x00, 0x00, 0x00)[3]).toBe(0xfc);
    p.send(0xac, 0x80, 0x00, 0x00);
    p.wait(T_WD_ERASE_MS);
    expect(p.send(0x58, 0x00, 0x00, 0x00)[3]).toBe(0xff);
  });

  it('Write Lock bits: mode 2 still verifies but refuses page writes', () => {
    const p = new Programmer(mcuWith({ 0: JMP_MAIN }));
    p.enable();
    p.send(0xac, 0xe0, 0x00, 0xfe); // LB2:LB1 = 10
    p.wait(5);
    expect(p.readFlashWord(0)).toBe(0x940c);
    p.loadWord(0x40, 0x0000);
    p.send(0x4c, 0x00, 0x40, 0x00);
    p.wait(T_WD_FLASH_MS);
    expect(p.readFlashWord(0x40)).toBe(0xffff);
  });

  it('releasing RESET starts the newly written program; fuses and EEPROM survive', () => {
    const p = new Programmer(mcuWith({ 0: JMP_MAIN, [MAIN]: 'ldi r16, 0x11\n out 0x0b, r16\n loop: rjmp loop' }));
    p.enable();
    p.send(0xac, 0x80, 0x00, 0x00);
    p.wait(T_WD_ERASE_MS);
    const image = new Uint16Array(flashImage({ 0: 'ser r16\n out 0x0a, r16\n ldi r16, 0x5a\n out 0x0b, r16\n loop: rjmp loop' }).buffer);
    for (let w = 0; w < 5; w++) p.loadWord(w, image[w]!);
    p.send(0x4c, 0x00, 0x00, 0x00);
    p.wait(T_WD_FLASH_MS);
    p.avr.setResetPin(true);
    p.avr.runUntil(p.avr.cycles + ms(100));
    expect(p.avr.cpu.data[0x2b]).toBe(0x5a); // PORTD from the new program
    expect(p.avr.fuses.low).toBe(0xe2);
  });

  it('reports every instruction with its Table 28-19 name and why it was ignored', () => {
    const p = new Programmer();
    const seen: string[] = [];
    p.avr.isp.onInstruction((i) => seen.push(i.ignored ? `${i.name} (${i.ignored})` : i.name));
    p.send(0x30, 0x00, 0x00, 0x00);
    p.enable();
    p.send(0x12, 0x00, 0x00, 0x00);
    expect(seen).toEqual([
      'Read Signature Byte (programming not enabled)',
      'Programming Enable',
      'unknown 0x12 (not an instruction of Table 28-19)',
    ]);
  });

  it('a new RESET pulse restarts byte framing and needs a new Programming Enable', () => {
    const p = new Programmer();
    p.send(0xff); // a stray byte: out of step
    // The loop-back echoes 0x53 all the same, but the chip's frame starts one byte early.
    expect(p.enable()[2]).toBe(0x53);
    expect(p.avr.isp.programmingEnabled).toBe(false);
    p.avr.setResetPin(true);
    p.avr.setResetPin(false);
    expect(p.enable()[2]).toBe(0x53);
    expect(p.avr.isp.programmingEnabled).toBe(true);
  });

  it('counts SCK above fosc/4 as a timing violation (28.8: SCK phases longer than 2 CPU cycles)', () => {
    const p = new Programmer();
    p.avr.clockSpiByte(0xac, { sckHz: 4_000_000, mode: 0, lsbFirst: false });
    expect(p.avr.isp.stats.timingViolations).toBe(1);
  });

  it('is unreachable with RESET high: bytes go to the SPI peripheral', () => {
    const avr = new ATmega168();
    expect(() => avr.isp.clockByte(0xac, { sckHz: SCK_HZ, mode: 0, lsbFirst: false, atCycle: 0 })).toThrow(/RESET is high/);
  });
});
