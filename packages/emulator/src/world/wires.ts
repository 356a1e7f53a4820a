// The wires between the two chips, as on the board: the ESP's SPI master
// (SCK/MOSI/MISO) to the AVR's SPI slave, GPIO16 -> SS (PB2), GPIO4 -> RESET,
// PB1 -> GPIO5 (the AVR's request line), and the relay board on PORTD.
// The AVR runs lazily: it is brought up to the time of every interaction, so
// its cycle count and the world's nanoseconds always agree (cycle = t / period).
import { atmega168Config, DDRD, PORTD, SREG, type ATmega168 } from '@esphil/avr-slave';
import type { SpiBus } from '@esphil/esp-model';
import type { AvrSnapshot, EspSnapshot, SpiByte, SpiEvent, TraceEvent } from '../trace/events.ts';
import { relayMeaning } from '../trace/meaning.ts';

export const GPIO_SS = 16;
export const GPIO_AVR_RESET = 4;
export const GPIO_REQUEST = 5;
const REQUEST_PIN_PB = 1;

const { SPCR, SPSR, SPDR } = atmega168Config.spi;
const ISP_TRACED = /^(Programming Enable|Chip Erase|Write)/;

interface PendingByte extends SpiByte {
  violation?: string;
}

export class Wires {
  private readonly nsPerCycle: bigint;
  private window: { t: bigint; sckHz: number; mode: 0 | 1 | 2 | 3; lsbFirst: boolean; bytes: PendingByte[] } | null = null;
  private readonly completed: { mosi: number; miso: number; lost: boolean; violation?: string }[] = [];
  private last: SpiEvent | null = null;
  private ssLevel: 0 | 1 = 1;

  constructor(
    private readonly avr: ATmega168,
    private readonly emit: (e: TraceEvent) => void,
    private readonly espSnapshot: () => EspSnapshot,
    private readonly setEspInput: (pin: number, level: 0 | 1) => void,
  ) {
    if (1_000_000_000 % avr.frequency !== 0) throw new Error(`AVR clock ${avr.frequency} Hz is not a whole number of ns per cycle`);
    this.nsPerCycle = BigInt(1_000_000_000 / avr.frequency);
    avr.spi.setSS(true);
    avr.spi.onByte((b) => this.completed.push(b));
    avr.isp.onInstruction((i) => {
      // Loads, reads and polls are the bulk of a programming run; the trace keeps what changes the chip.
      if (!ISP_TRACED.test(i.name) && !i.ignored) return;
      const detail: Record<string, unknown> = { instruction: i.name, bytes: i.bytes, miso: i.miso };
      if (i.ignored) detail['ignored'] = i.ignored;
      this.emit({ kind: 'node', t: this.ns(i.cycle), what: 'isp', detail });
    });
    avr.relays.onChange((e) => this.emit({ kind: 'relays', t: this.ns(e.cycle), on: e.on, portd: e.portd, ddrd: e.ddrd }));
    let request: 0 | 1 = 1;
    avr.portB.addListener(() => {
      const level = avr.portB.pinState(REQUEST_PIN_PB) === 0 /* PinState.Low */ ? 0 : 1;
      if (level === request) return;
      request = level;
      const t = this.ns(avr.cycles);
      this.emit({ kind: 'pin', t, chip: 'avr', pin: 'PB1', level });
      this.setEspInput(GPIO_REQUEST, level);
    });
  }

  ns(cycle: number): bigint {
    return BigInt(cycle) * this.nsPerCycle;
  }

  cycleAt(t: bigint): number {
    return Number(t / this.nsPerCycle);
  }

  /** Brings the AVR up to world time t (it may already be ahead, by a transfer in flight). */
  syncAvr(t: bigint): void {
    const target = this.cycleAt(t);
    if (this.avr.cycles < target) this.avr.runUntil(target);
  }

  readonly spiBus: SpiBus = {
    transfer: (mosi, s) => {
      this.syncAvr(s.startNs);
      const lsbFirst = s.bitOrder === 'LSBFIRST';
      if (this.avr.inReset) {
        // RESET low: the pins belong to serial programming, not to an SS window.
        return this.avr.clockSpiByte(mosi, { sckHz: s.clockHz, mode: s.mode, lsbFirst, atCycle: this.cycleAt(s.startNs) });
      }
      // Within the start-up delay after a reset no instruction has run: SPI is off and the byte is lost.
      const startingUp = this.avr.startingUp;
      // atCycle: runUntil may overshoot by an instruction; the byte starts when the master clocks it.
      const miso = this.avr.spi.clockByte(mosi, { sckHz: s.clockHz, mode: s.mode, lsbFirst, atCycle: this.cycleAt(s.startNs) });
      const end = s.startNs + BigInt(Math.round(8e9 / s.clockHz)); // APB dividers need not give a whole Hz
      const byte: PendingByte = { t: s.startNs, end, mosi, miso, lost: false };
      if (startingUp) {
        const reason = `the AVR is in its start-up delay after reset (${this.avr.startupDelay.text})`;
        byte.violation = `lost: ${reason}`;
        this.emit({ kind: 'node', t: s.startNs, what: 'avr-byte-lost', detail: { mosi, reason } });
      }
      if (!this.window) {
        // A transfer with SS already high still clocks the bus; record it as its own window.
        this.window = { t: s.startNs, sckHz: s.clockHz, mode: s.mode, lsbFirst, bytes: [] };
      }
      if (this.window.bytes.length === 0) Object.assign(this.window, { sckHz: s.clockHz, mode: s.mode, lsbFirst });
      this.window.bytes.push(byte);
      return miso;
    },
  };

  /** The ESP drove one of its GPIOs. */
  espGpio(pin: number, level: 0 | 1, t: bigint): void {
    if (pin === GPIO_SS) {
      if (level === this.ssLevel) return;
      this.ssLevel = level;
      this.syncAvr(t);
      this.avr.spi.setSS(level === 1);
      this.emit({ kind: 'pin', t, chip: 'esp', pin: 'GPIO16', level, dir: 'out' });
      if (level === 0) this.window = { t, sckHz: 2_000_000, mode: 0, lsbFirst: false, bytes: [] };
      else this.closeWindow(t);
    } else if (pin === GPIO_AVR_RESET) {
      this.syncAvr(t);
      this.avr.setResetPin(level === 1);
      this.emit({ kind: 'pin', t, chip: 'esp', pin: 'GPIO4', level, dir: 'out' });
      this.emit({ kind: 'pin', t, chip: 'avr', pin: 'RESET', level });
    } else {
      this.emit({ kind: 'pin', t, chip: 'esp', pin: `GPIO${pin}`, level, dir: 'out' });
    }
  }

  /** A scenario's avr-reset: RESET low for 10 µs (datasheet tRST >= 2.5 µs), then high. */
  pulseReset(t: bigint): bigint {
    this.espGpio(GPIO_AVR_RESET, 0, t);
    const back = t + 10_000n;
    this.espGpio(GPIO_AVR_RESET, 1, back);
    return back;
  }

  /** SS as the AVR's PB2 sees it. */
  lastSsLevel(): 0 | 1 {
    return this.ssLevel;
  }

  lastSpi(): SpiEvent | null {
    return this.last;
  }

  avrSnapshot(): AvrSnapshot {
    const { cpu } = this.avr;
    const d = cpu.data;
    return {
      cycles: cpu.cycles,
      pc: cpu.pc,
      sp: cpu.SP,
      sreg: d[SREG]!,
      spcr: d[SPCR]!,
      spsr: d[SPSR]!,
      spdr: d[SPDR]!,
      portd: d[PORTD]!,
      ddrd: d[DDRD]!,
    };
  }

  private closeWindow(t: bigint): void {
    const w = this.window;
    this.window = null;
    // SS low and back with no clock (GPIO16 made an output before it is written high) moves no byte.
    if (!w || w.bytes.length === 0) return;
    // Bytes completed on the AVR side, in order, carry the lost flag and any timing violation.
    const done = this.completed.splice(0, w.bytes.length);
    const violations: string[] = [];
    w.bytes.forEach((b, i) => {
      if (b.violation) violations.push(`byte ${i}: ${b.violation}`);
      const c = done[i];
      if (c) {
        b.lost = c.lost;
        if (c.violation) violations.push(`byte ${i}: ${c.violation}`);
      }
    });
    const ev: SpiEvent = {
      kind: 'spi',
      t: w.t,
      end: t,
      sckHz: w.sckHz,
      mode: w.mode,
      lsbFirst: w.lsbFirst,
      bytes: w.bytes.map(({ violation: _v, ...b }) => b),
      violations,
      relays: relayMeaning(w.bytes.at(-1)?.mosi),
      avr: this.avrSnapshot(),
      esp: this.espSnapshot(),
    };
    this.last = ev;
    this.emit(ev);
  }
}
