// HardwareSerial as the sketch uses it: print/println, lines stamped with the CPU's virtual time.
import type { Cpu } from './cpu.ts';

export interface SerialLine {
  tNs: bigint;
  text: string;
}

export class HardwareSerial {
  private partial = '';
  private partialStartNs: bigint | null = null;
  private baud = 0;

  constructor(
    private readonly cpu: Cpu,
    private readonly emit: (line: SerialLine) => void,
  ) {}

  begin(baud: number): void {
    this.baud = baud;
  }

  get baudRate(): number {
    return this.baud;
  }

  print(value: string | number): void {
    // Without Serial.begin() the UART is not set up and nothing comes out.
    if (this.baud === 0) return;
    const text = String(value);
    for (const ch of text) {
      if (ch === '\r') continue;
      if (ch === '\n') {
        this.emit({ tNs: this.partialStartNs ?? this.cpu.now(), text: this.partial });
        this.partial = '';
        this.partialStartNs = null;
        continue;
      }
      if (this.partialStartNs === null) this.partialStartNs = this.cpu.now();
      this.partial += ch;
    }
  }

  println(value: string | number = ''): void {
    this.print(`${value}\r\n`);
  }

  /** Characters printed without a line end yet (e.g. the clock gate's dots). */
  get pending(): string {
    return this.partial;
  }
}
