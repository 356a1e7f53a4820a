// Relay board: active-low relays on PD0..PD7, energised iff DDRDn = 1 and PORTDn = 0.
import { describe, expect, it } from 'vitest';
import { JMP_MAIN, MAIN, mcuWith } from '../test/helpers.ts';
import { energisedZones } from './relay-board.ts';

describe('RelayBoard', () => {
  it('energises a relay only for a pin that is an output driven low', () => {
    expect(energisedZones(0x00, 0x00)).toEqual([]); // inputs, no pull-up
    expect(energisedZones(0xff, 0xff)).toEqual([]);
    expect(energisedZones(0xff, 0xfa)).toEqual([0, 2]);
    expect(energisedZones(0x0f, 0x00)).toEqual([0, 1, 2, 3]);
  });

  // JMP takes 3 cycles, LDI and OUT 1 each; a change is stamped with the cycle its OUT starts.
  it('records each change of the energised set with its cycle', () => {
    const avr = mcuWith({
      0: JMP_MAIN,
      [MAIN]: `
        ldi r16, 0xfe
        out 0x0b, r16   ; PORTD: pull-ups, PD0 low: no relay yet
        ldi r16, 0x01
        out 0x0a, r16   ; DDRD: PD0 output -> relay 0
        ldi r16, 0xfe
        out 0x0b, r16   ; same value: no change
        ldi r16, 0x03
        out 0x0a, r16   ; PD1 output, PORTD1 high: still only relay 0
        ldi r16, 0xfc
        out 0x0b, r16   ; relay 1 too
        ldi r16, 0x00
        out 0x0a, r16   ; all inputs: off
      idle:
        rjmp idle`,
    });
    const seen: number[][] = [];
    avr.relays.onChange((e) => seen.push(e.on));
    avr.runUntil(100);
    expect(seen).toEqual([[0], [0, 1], []]);
    expect(avr.relays.history.map(({ cycle, portd, ddrd }) => ({ cycle, portd, ddrd }))).toEqual([
      { cycle: 6, portd: 0xfe, ddrd: 0x01 },
      { cycle: 12, portd: 0xfc, ddrd: 0x03 },
      { cycle: 14, portd: 0xfc, ddrd: 0x00 },
    ]);
    expect(avr.relays.energised()).toEqual([]);
  });
});
