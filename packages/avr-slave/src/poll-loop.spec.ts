// Candidate idle points found in flash (opcodes: AVR Instruction Set Manual).
import { describe, expect, it } from 'vitest';
import { flashImage } from '../test/helpers.ts';
import { MARK_LOOP, MARK_SLEEP, scanProgram } from './poll-loop.ts';

const scan = (source: string) => scanProgram(new Uint16Array(flashImage({ 0: source }).buffer));

describe('scanProgram', () => {
  it('marks SLEEP and the head of a short loop that only reads', () => {
    const { marks, loopEnds } = scan(`
        sleep
      wait:
        in r0, 0x2d
        sbrs r0, 7
        rjmp wait
        lds r20, 0x100
      flag:
        lds r20, 0x100
        cpi r20, 3
        brlo flag`);
    expect(marks[0]).toBe(MARK_SLEEP);
    expect(marks[1]).toBe(MARK_LOOP);
    expect(loopEnds.get(1)).toBe(3);
    expect(marks[6]).toBe(MARK_LOOP); // after the 2-word LDS at 4
    expect(loopEnds.get(6)).toBe(9);
  });

  it('leaves loops that write memory or I/O, or are too long, unmarked', () => {
    const { marks } = scan(`
      store:
        st X+, r0
        rjmp store
      port:
        out 0x0b, r16
        rjmp port
      long:
        ${'nop\n'.repeat(17)}
        rjmp long`);
    expect([...marks.subarray(0, 40)].every((m) => m === 0)).toBe(true);
  });

  it('keeps the innermost loop when several branches go back to one head', () => {
    const { loopEnds } = scan(`
      head:
        in r0, 0x2d
        sbrs r0, 7
        rjmp head
        in r24, 0x2e
        rjmp head`);
    expect(loopEnds.get(0)).toBe(2);
  });
});
