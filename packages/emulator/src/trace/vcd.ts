// Value Change Dump (IEEE 1364 section 18) of the wires between the chips, for
// GTKWave and PulseView: one 1-bit wire per signal, never vectors (sigrok's
// VCD input rejects them), ns timestamps. SCK/MOSI/MISO/SS are redrawn edge by
// edge from each SpiEvent; RESET and PD0..PD7 follow pin and relay events.
// Events must arrive in time order (the TraceRecorder releases them so); one
// that does not is drawn from the last written time on and listed in `late`.
import type { PinEvent, SpiEvent, TraceEvent, TraceSink } from './events.ts';
import type { TextOut } from './out.ts';
import { cpol, edgeOffsetNs, spiByteEdges, spiDataChanges } from './spi-timing.ts';

export const VCD_SIGNALS = ['SCK', 'MOSI', 'MISO', 'SS', 'RESET', 'PD0', 'PD1', 'PD2', 'PD3', 'PD4', 'PD5', 'PD6', 'PD7'] as const;
export type VcdSignal = (typeof VCD_SIGNALS)[number];

export interface VcdOptions {
  /** SPI mode whose idle SCK level starts the dump (default 0, as the sketch uses). */
  mode?: 0 | 1 | 2 | 3;
  /** PORTD at time 0 (default 0xFF: all relays off, as the AVR firmware sets it). */
  portd?: number;
  /** Scope name around the wires (default "esphil"). */
  scope?: string;
}

interface Change {
  t: bigint;
  sig: VcdSignal;
  v: 0 | 1;
}

// Identifier codes are printable ASCII from '!' (IEEE 1364 18.2.3.8).
const ID = Object.fromEntries(VCD_SIGNALS.map((s, i) => [s, String.fromCharCode(33 + i)])) as Record<VcdSignal, string>;

/** Pins that drive the VCD wires; GPIO4 is wired to the AVR's RESET. */
const PIN_WIRE: Record<string, VcdSignal> = { RESET: 'RESET', GPIO4: 'RESET', PD0: 'PD0', PD1: 'PD1', PD2: 'PD2', PD3: 'PD3', PD4: 'PD4', PD5: 'PD5', PD6: 'PD6', PD7: 'PD7' };

export class VcdWriter implements TraceSink {
  private readonly level: Record<VcdSignal, 0 | 1>;
  private pending: Change[] = [];
  private written = 0n; // last timestamp written
  private lastEventT = 0n;
  /** SCK level the bus will idle at once the pending changes are written. */
  private sckIdle: 0 | 1;
  private closed = false;
  /** Events that came after later ones had been drawn: drawn from the last written time on. */
  readonly late: TraceEvent[] = [];

  constructor(
    private readonly out: TextOut,
    options: VcdOptions = {},
  ) {
    this.sckIdle = cpol(options.mode ?? 0);
    const portd = options.portd ?? 0xff;
    this.level = { SCK: this.sckIdle, MOSI: 0, MISO: 0, SS: 1, RESET: 1, PD0: 0, PD1: 0, PD2: 0, PD3: 0, PD4: 0, PD5: 0, PD6: 0, PD7: 0 };
    for (let n = 0; n < 8; n++) this.level[`PD${n}` as VcdSignal] = ((portd >> n) & 1) as 0 | 1;
    const vars = VCD_SIGNALS.map((s) => `$var wire 1 ${ID[s]} ${s} $end`);
    const initial = VCD_SIGNALS.map((s) => `${this.level[s]}${ID[s]}`);
    out.write(
      [
        '$version esphil $end',
        '$comment SPI between the ESP8266 (master) and the ATmega168 (slave), RESET and the relay port $end',
        '$timescale 1 ns $end',
        `$scope module ${options.scope ?? 'esphil'} $end`,
        ...vars,
        '$upscope $end',
        '$enddefinitions $end',
        '#0',
        '$dumpvars',
        ...initial,
        '$end',
        '',
      ].join('\n'),
    );
  }

  write(e: TraceEvent): void {
    if (this.closed) throw new Error(`VCD: ${e.kind} event at t=${e.t} written after close`);
    if (e.t < this.lastEventT) {
      // Time already written cannot change: draw it as early as still possible, and count it.
      this.late.push(e);
    } else {
      this.lastEventT = e.t;
    }
    // Nothing from this or a later event can change the wires before e.t, except
    // an SCK idle-level change which is clamped to what is already written.
    this.flushBefore(e.t);
    if (e.kind === 'spi') this.spi(e);
    else if (e.kind === 'pin') this.pin(e);
    else if (e.kind === 'relays') for (let n = 0; n < 8; n++) this.change(e.t, `PD${n}` as VcdSignal, ((e.portd >> n) & 1) as 0 | 1);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const last = this.pending.reduce((m, c) => (c.t > m ? c.t : m), this.written);
    this.flushBefore(last + 1n);
    // A closing timestamp so viewers show the final levels for a moment.
    this.out.write(`#${last + 1_000n}\n`);
    this.out.close();
  }

  private change(t: bigint, sig: VcdSignal, v: 0 | 1): void {
    this.pending.push({ t: t < this.written ? this.written : t, sig, v });
  }

  private pin(e: PinEvent): void {
    const sig = PIN_WIRE[e.pin];
    if (!sig || (sig !== 'RESET' && e.chip !== 'avr')) return;
    this.change(e.t, sig, e.level);
  }

  private spi(e: SpiEvent): void {
    const idle = cpol(e.mode);
    if (idle !== this.sckIdle) {
      // The master moves SCK to the new idle level when it applies the settings, before SS falls.
      this.change(e.t - edgeOffsetNs(1, e.sckHz), 'SCK', idle);
      this.sckIdle = idle;
    }
    this.change(e.t, 'SS', 0);
    e.bytes.forEach((_b, i) => {
      const edges = spiByteEdges(e, i);
      for (const d of spiDataChanges(e, i, edges)) {
        this.change(d.t, 'MOSI', d.mosi);
        this.change(d.t, 'MISO', d.miso);
      }
      for (const edge of edges) this.change(edge.t, 'SCK', edge.sck);
    });
    this.change(e.end, 'SS', 1);
  }

  private flushBefore(t: bigint): void {
    if (!this.pending.length) return;
    const ready = this.pending.filter((c) => c.t < t).sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
    if (!ready.length) return;
    this.pending = this.pending.filter((c) => c.t >= t);
    let lines = '';
    for (let i = 0; i < ready.length; ) {
      const at = ready[i]!.t;
      const final = new Map<VcdSignal, 0 | 1>();
      for (; i < ready.length && ready[i]!.t === at; i++) final.set(ready[i]!.sig, ready[i]!.v);
      let block = '';
      for (const [sig, v] of final) {
        if (this.level[sig] === v) continue;
        this.level[sig] = v;
        block += `${v}${ID[sig]}\n`;
      }
      if (!block) continue;
      // A later flush may add to the block of the last written timestamp (#0 is in the header).
      if (at > this.written) lines += `#${at}\n`;
      this.written = at;
      lines += block;
    }
    if (lines) this.out.write(lines);
  }
}
