// Test-only ScenarioContext: a scripted world whose events happen at fixed virtual
// times, and whose operator publishes can trigger scripted reactions. Not exported.
import type { ScenarioContext } from '../context.ts';

type Serial = { tNs: bigint; text: string };
type Seen = { tNs: bigint; topic: string; payload: Buffer; from: string };
type Spi = { mosi: number[]; miso: number[]; tNs: bigint };
type TraceCall = Parameters<ScenarioContext['step']>[0];

export class FakeWorld implements ScenarioContext {
  t = 0n;
  utcMs = Date.parse('2026-06-01T05:00:00Z');
  wifiUp = true;
  ntpAnswers = true;
  brokerActions: string[] = [];
  avrResets = 0;
  espResets = 0;
  trace: TraceCall[] = [];
  readonly serial: Serial[] = [];
  readonly events: { tNs: bigint; what: string; detail?: Record<string, unknown> }[] = [];
  readonly seen: Seen[] = [];
  /** Steps before which the runner let the world forget its history (1-based, as in the trace). */
  forgotBefore: number[] = [];
  relays: number[] = [];
  spi: Spi | null = null;
  readonly pins = new Map<string, 0 | 1>();
  /** Called for every operator publish, at the publish's virtual time. */
  onPublish: (topic: string, payload: string) => void = () => {};
  /** Makes every world call throw, to test how the runner reports world errors. */
  broken: string | null = null;
  private queue: { tNs: bigint; seq: number; apply: () => void }[] = [];
  private seq = 0;

  at(tNs: bigint, apply: () => void): this {
    this.queue.push({ tNs, seq: this.seq++, apply });
    this.queue.sort((a, b) => (a.tNs < b.tNs ? -1 : a.tNs > b.tNs ? 1 : a.seq - b.seq));
    return this;
  }
  serialAt(tNs: bigint, text: string): this {
    return this.at(tNs, () => this.serial.push({ tNs, text }));
  }
  eventAt(tNs: bigint, what: string, detail?: Record<string, unknown>): this {
    return this.at(tNs, () => this.events.push({ tNs, what, ...(detail ? { detail } : {}) }));
  }
  relaysAt(tNs: bigint, zones: number[]): this {
    return this.at(tNs, () => {
      this.relays = zones;
      this.spi = { mosi: [zones.reduce((b, z) => b | (1 << z), 0) ^ 0xff], miso: [0], tNs };
    });
  }

  nowNs(): bigint {
    return this.t;
  }
  async runFor(ns: bigint): Promise<void> {
    await this.runUntil(() => false, ns);
  }
  async runUntil(pred: () => boolean, timeoutNs: bigint): Promise<boolean> {
    if (this.broken) throw new Error(this.broken);
    const end = this.t + timeoutNs;
    while (this.queue.length && this.queue[0]!.tNs <= end) {
      const e = this.queue.shift()!;
      if (e.tNs > this.t) this.t = e.tNs;
      e.apply();
      if (pred()) return true;
    }
    this.t = end;
    return false;
  }
  serialLines(): readonly Serial[] {
    return this.serial;
  }
  nodeEvents(): readonly { tNs: bigint; what: string; detail?: Record<string, unknown> }[] {
    return this.events;
  }
  mqttSeen(): readonly Seen[] {
    return this.seen;
  }
  forgetHistory(): void {
    this.forgotBefore.push(this.trace.filter((c) => c.status === 'start').length + 1);
    this.serial.length = 0;
    this.events.length = 0;
    this.seen.length = 0;
  }
  async publish(topic: string, payload: Buffer, opts: { qos: 0 | 1 | 2; retain: boolean }): Promise<void> {
    if (this.broken) throw new Error(this.broken);
    this.seen.push({ tNs: this.t, topic, payload, from: opts.retain ? 'operator-retain' : 'operator' });
    this.onPublish(topic, payload.toString('utf8'));
  }
  relaysOn(): number[] {
    return this.relays;
  }
  pin(chip: 'avr' | 'esp', name: string): 0 | 1 | undefined {
    return this.pins.get(`${chip}:${name}`);
  }
  lastSpi(): Spi | null {
    return this.spi;
  }
  setUtc(utcMs: number): void {
    this.utcMs = utcMs;
  }
  advanceUtc(ns: bigint): void {
    this.utcMs += Number(ns / 1_000_000n);
  }
  wifi(up: boolean): void {
    this.wifiUp = up;
  }
  ntp(answer: boolean): void {
    this.ntpAnswers = answer;
  }
  async broker(action: 'stop' | 'start' | 'restart'): Promise<void> {
    this.brokerActions.push(action);
  }
  async espReset(): Promise<void> {
    if (this.broken) throw new Error(this.broken);
    this.espResets++;
  }
  otaSigningKeyPem(): string {
    return '';
  }
  async avrReset(): Promise<void> {
    this.avrResets++;
  }
  step(e: TraceCall): void {
    this.trace.push(e);
  }
}
