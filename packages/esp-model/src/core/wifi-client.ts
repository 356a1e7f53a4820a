// WiFiClient (ESP8266 core, plain TCP over lwIP): a connection a WiFiServer accepted.
// Received bytes wait in lwIP's pbufs until the sketch reads them; arrival wakes the sketch.
import type { Duplex } from 'node:stream';
import type { Cpu } from './cpu.ts';

export class WiFiClient {
  private readonly rx: Buffer[] = [];
  private rxLen = 0;
  private open = true;

  constructor(
    cpu: Cpu,
    private readonly stream: Duplex,
  ) {
    stream.on('data', (chunk: Buffer) => {
      this.rx.push(chunk);
      this.rxLen += chunk.length;
      cpu.signal();
    });
    const closed = () => {
      this.open = false;
      cpu.signal();
    };
    stream.on('end', closed);
    stream.on('close', closed);
    stream.on('error', closed);
  }

  available(): number {
    return this.rxLen;
  }

  /** One byte, or -1 when none is buffered. */
  read(): number {
    const head = this.rx[0];
    if (!head) return -1;
    const b = head[0]!;
    if (head.length === 1) this.rx.shift();
    else this.rx[0] = head.subarray(1);
    this.rxLen--;
    return b;
  }

  write(bytes: number[]): void {
    if (this.open) this.stream.write(Buffer.from(bytes));
  }

  /** Arduino's connected(): true while open or while unread bytes remain. */
  connected(): boolean {
    return this.open || this.rxLen > 0;
  }

  stop(): void {
    this.open = false;
    this.stream.destroy();
  }
}
