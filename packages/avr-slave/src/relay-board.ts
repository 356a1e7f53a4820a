// The node's relay board: eight active-low relay drivers on PD0..PD7. A relay
// is energised when its pin is an output (DDRD bit set) driven low (PORTD bit
// clear); an input pin, with or without pull-up, leaves it off (docs/architecture.md).
import type { AVRIOPort, CPU } from 'avr8js';
import { DDRD, PORTD } from './atmega168-config.ts';

export const RELAY_COUNT = 8;

export interface RelayChange {
  cycle: number;
  /** Zones whose relay is energised, ascending. */
  on: number[];
  portd: number;
  ddrd: number;
}

/** Zones energised for a given DDRD/PORTD pair. */
export function energisedZones(ddrd: number, portd: number): number[] {
  const bitmap = ddrd & ~portd & 0xff;
  const on: number[] = [];
  for (let zone = 0; zone < RELAY_COUNT; zone++) if (bitmap & (1 << zone)) on.push(zone);
  return on;
}

export class RelayBoard {
  readonly history: RelayChange[] = [];
  private readonly listeners: ((e: RelayChange) => void)[] = [];
  private bitmap = 0;

  constructor(
    private readonly cpu: CPU,
    portD: AVRIOPort,
  ) {
    this.bitmap = this.currentBitmap();
    portD.addListener(() => this.update());
  }

  /** Zones 0..7 whose relay is energised, ascending. */
  energised(): number[] {
    return energisedZones(this.cpu.data[DDRD], this.cpu.data[PORTD]);
  }

  onChange(listener: (e: RelayChange) => void): void {
    this.listeners.push(listener);
  }

  private currentBitmap(): number {
    return this.cpu.data[DDRD] & ~this.cpu.data[PORTD] & 0xff;
  }

  private update(): void {
    const bitmap = this.currentBitmap();
    if (bitmap === this.bitmap) return;
    this.bitmap = bitmap;
    const portd = this.cpu.data[PORTD];
    const ddrd = this.cpu.data[DDRD];
    const change: RelayChange = { cycle: this.cpu.cycles, on: energisedZones(ddrd, portd), portd, ddrd };
    this.history.push(change);
    for (const l of this.listeners) l(change);
  }
}
