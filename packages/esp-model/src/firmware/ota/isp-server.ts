// ESP8266AVRISP: a WiFiServer that lets one STK500 v1 client (avrdude -c arduino -P net:host:port)
// program the AVR. The sketch calls serve() from loop(). As ESP8266AVRISP::update() does, a
// connection waits in lwIP's backlog until loop() runs; one that arrives while another client is
// being served is turned away.
import type { Duplex } from 'node:stream';
import type { Cpu } from '../../core/cpu.ts';
import type { Heap, HeapBlock } from '../../core/heap.ts';
import { WiFiClient } from '../../core/wifi-client.ts';
import type { AvrIsp } from './avr-isp.ts';
import { STK_BUFFER_BYTES, Stk500Programmer } from './stk500.ts';

/** lwIP's tcp_pcb plus the client object: what one accepted connection costs the heap (estimate). */
export const TCP_CLIENT_HEAP_BYTES = 400;

export class AvrIspServer {
  private session: { client: WiFiClient; stk: Stk500Programmer; memory: HeapBlock[] } | null = null;
  private readonly backlog: Duplex[] = [];

  constructor(
    private readonly cpu: Cpu,
    private readonly heap: Heap,
    private readonly isp: AvrIsp,
    private readonly event: (what: string, detail?: Record<string, unknown>) => void,
    /** Called when a client leaves programming mode or goes away with the AVR released. */
    private readonly onProgrammed: () => Promise<void>,
  ) {}

  /** A TCP connection arrived on the ISP port: it waits for the next loop() pass. */
  accept(stream: Duplex): void {
    this.backlog.push(stream);
    this.cpu.signal();
  }

  private take(stream: Duplex): void {
    const memory = [this.heap.malloc(TCP_CLIENT_HEAP_BYTES, 'AVRISP client'), this.heap.malloc(STK_BUFFER_BYTES, 'AVRISP buffer')];
    if (memory.some((m) => m === null)) {
      for (const m of memory) m?.free();
      stream.destroy();
      this.event('avrisp-client-refused', { reason: 'out of heap', freeHeap: this.heap.getFreeHeap() });
      return;
    }
    const client = new WiFiClient(this.cpu, stream);
    this.session = { client, stk: new Stk500Programmer(this.cpu, this.isp, client), memory: memory as HeapBlock[] };
    this.event('avrisp-client-connected', { freeHeap: this.heap.getFreeHeap() });
    this.cpu.signal();
  }

  /** loop(): update() then serve(): ends a finished session, takes a waiting client, answers it. */
  async serve(): Promise<void> {
    if (this.session && !this.session.client.connected()) await this.close(this.session);
    if (!this.session && this.backlog.length) this.take(this.backlog.shift()!);
    // AVRISP_STATE_ACTIVE: _reject_incoming()
    for (const stream of this.backlog.splice(0)) stream.end();
    const s = this.session;
    if (!s) return;
    while (s.client.available() > 0) {
      const wasActive = this.isp.active;
      if (!(await s.stk.serveOne())) break;
      if (wasActive && !this.isp.active) await this.onProgrammed();
    }
    if (!s.client.connected()) await this.close(s);
  }

  private async close(s: NonNullable<AvrIspServer['session']>): Promise<void> {
    this.session = null;
    for (const m of s.memory) m.free();
    s.client.stop();
    if (this.isp.active) {
      // The client vanished in programming mode: release RESET so the AVR runs whatever it holds.
      this.isp.end();
      await this.onProgrammed();
    }
    this.event('avrisp-client-disconnected');
  }
}
