// The debugger's hook on the run loop: breakpoints stop before the instruction,
// single-step and watchpoints after it, and a run with the checked path ends
// exactly where the fast path does.
import { describe, expect, it } from 'vitest';
import { MAIN, SPI_2MHZ_MODE0, SPI_HANDLER, mcuWith, observe, sleeper } from '../test/helpers.ts';
import type { ATmega168 } from './atmega168.ts';
import { DataWatch, type AvrDebugHook, type StopReason } from './debug-hook.ts';

const PORTD = 0x2b;
const SPDR = 0x4e;

/** sleeper(): SPI handler copies SPDR to PORTD; main counts r25 to 20, then sleeps (Idle). */
const firmware = sleeper(0x01, `
  again:
    inc r25
    cpi r25, 20
    brne again`);

interface Stop {
  reason: StopReason;
  pc: number;
  cycles: number;
  portd: number;
}

function hookOn(avr: ATmega168, onStop: (hook: TestHook, stop: Stop) => void = () => undefined) {
  const hook: TestHook = {
    breakpoints: new Set<number>(),
    stepping: false,
    watches: new DataWatch(avr.cpu),
    stops: [],
    stopped(reason) {
      const stop = { reason, pc: avr.cpu.pc, cycles: avr.cycles, portd: avr.cpu.data[PORTD]! };
      hook.stops.push(stop);
      onStop(hook, stop);
    },
  };
  avr.debugHook = hook;
  return hook;
}

interface TestHook extends AvrDebugHook {
  breakpoints: Set<number>;
  stepping: boolean;
  stops: Stop[];
}

function sendByte(avr: ATmega168, mosi: number): void {
  avr.spi.setSS(false);
  avr.spi.clockByte(mosi, SPI_2MHZ_MODE0);
  avr.runUntil(avr.cycles + 200); // the byte, the wake-up and the handler
  avr.spi.setSS(true);
}

describe('debug hook', () => {
  it('stops before a breakpoint instruction, each time it is reached, and not again on resume', () => {
    const avr = mcuWith(firmware);
    const hook = hookOn(avr);
    hook.breakpoints.add(SPI_HANDLER);
    avr.runUntil(2000);
    expect(hook.stops).toEqual([]);
    expect(avr.sleeping).toBe(true);
    sendByte(avr, 0xfb);
    expect(hook.stops).toHaveLength(1);
    // The handler has not run yet when the stop is reported; it runs on after it.
    expect(hook.stops[0]).toMatchObject({ reason: { kind: 'breakpoint' }, pc: SPI_HANDLER, portd: 0x00 });
    expect(avr.cpu.data[PORTD]).toBe(0xfb);
    sendByte(avr, 0x7f);
    expect(hook.stops).toHaveLength(2);
  });

  it('single-steps one instruction per stop, the cycle count advancing by its cycles', () => {
    const avr = mcuWith(firmware);
    let steps = 0;
    const hook = hookOn(avr, (h) => {
      if (++steps === 5) h.stepping = false;
    });
    hook.stepping = true;
    avr.runUntil(10_000);
    // jmp (3 cycles), ldi, out, ldi, out (1 each): the cycle count after each stop
    expect(hook.stops.map((s) => s.cycles)).toEqual([3, 4, 5, 6, 7]);
    expect(hook.stops.map((s) => s.pc)).toEqual([MAIN, MAIN + 1, MAIN + 2, MAIN + 3, MAIN + 4]);
  });

  it('reports a write watchpoint on PORTD after the instruction that wrote it, and a read one on SPDR', () => {
    const avr = mcuWith(firmware);
    const hook = hookOn(avr);
    hook.watches.add(PORTD, 1, 'write');
    hook.watches.add(SPDR, 1, 'read');
    avr.runUntil(2000);
    sendByte(avr, 0xfd);
    expect(hook.stops.map((s) => [s.reason, s.pc])).toEqual([
      [{ kind: 'watch', watch: 'read', address: SPDR }, SPI_HANDLER + 1],
      [{ kind: 'watch', watch: 'write', address: PORTD }, SPI_HANDLER + 2],
    ]);
    hook.watches.clear();
    expect(Object.hasOwn(avr.cpu, 'writeData')).toBe(false); // the fast path is back untouched
  });

  it('ends a debugged run exactly where an undebugged one ends', () => {
    const run = (debug: boolean) => {
      const avr = mcuWith(firmware);
      const seen = observe(avr);
      if (debug) {
        const hook = hookOn(avr);
        hook.breakpoints.add(MAIN + 9);
        hook.watches.add(PORTD, 1, 'access');
      }
      avr.runUntil(3000);
      sendByte(avr, 0x5a);
      avr.runUntil(avr.cycles + 5000);
      return seen();
    };
    expect(run(true)).toEqual(run(false));
  });
});
