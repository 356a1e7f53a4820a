// A stand-in for the emulator's world in replay tests: no firmware, only the
// sketch's relay rules and a virtual clock with an event queue.
import type { ReplayWorld } from '../../src/replay/run.ts';
import type { RelayEventNs } from '../../src/replay/timeline.ts';
import { parseZoneCommand } from '@esphil/esp-model';

const S = 1_000_000_000n;
const MS = 1_000_000n;

/**
 * A relays model standing in for the world: commands on irrigation/zone/on
 * act after `latencyNs` with the sketch's rules (zone on → others off, timer;
 * seconds <= 0 → zone off); timers fire `timerLagNs` late.
 */
export class FakeWorld implements ReplayWorld {
  now = 0n;
  published: { tNs: bigint; topic: string; payload: string; qos: number; retain: boolean }[] = [];
  runs: bigint[] = [];
  private on = new Set<number>();
  private queue: { tNs: bigint; seq: number; act: () => void }[] = [];
  private seq = 0;
  private listeners: ((e: RelayEventNs) => void)[] = [];
  constructor(readonly o: { subscribedAtNs?: bigint; latencyNs?: bigint; timerLagNs?: bigint } = {}) {
    this.at(500n * MS, () => this.emit()); // AVR boot: PORTD = 0xFF, all off
  }
  nowNs() {
    return this.now;
  }
  async waitUntilSubscribed(timeoutNs: bigint) {
    const at = this.o.subscribedAtNs ?? 7n * S + 250n * MS;
    if (at > timeoutNs) {
      await this.runUntil(timeoutNs);
      throw new Error(`node not subscribed after ${timeoutNs} ns`);
    }
    await this.runUntil(at);
  }
  async runUntil(tNs: bigint) {
    if (tNs < this.now) throw new Error(`runUntil(${tNs}) is in the past (now ${this.now})`);
    this.runs.push(tNs);
    for (;;) {
      this.queue.sort((a, b) => (a.tNs < b.tNs ? -1 : a.tNs > b.tNs ? 1 : a.seq - b.seq));
      const next = this.queue[0];
      if (!next || next.tNs > tNs) break;
      this.queue.shift();
      this.now = next.tNs;
      next.act();
    }
    this.now = tNs;
  }
  async publish(topic: string, payload: Buffer, opts: { qos: 0 | 1 | 2; retain: boolean }) {
    this.published.push({ tNs: this.now, topic, payload: payload.toString(), ...opts });
    const cmd = topic === 'irrigation/zone/on' ? parseZoneCommand(payload) : null;
    if (!cmd || cmd.action === 'ignore') return;
    this.at(this.now + (this.o.latencyNs ?? 2n * MS), () => {
      if (cmd.action === 'on') {
        this.set(new Set([cmd.zone]));
        this.at(this.now + BigInt(cmd.durationMs) * MS + (this.o.timerLagNs ?? 0n), () => {
          const off = new Set(this.on);
          off.delete(cmd.zone);
          this.set(off);
        });
      } else {
        const off = new Set(this.on);
        off.delete(cmd.zone);
        this.set(off);
      }
    });
  }
  onRelays(cb: (e: RelayEventNs) => void) {
    this.listeners.push(cb);
  }
  private set(next: Set<number>) {
    const changed = next.size !== this.on.size || [...next].some((z) => !this.on.has(z));
    this.on = next;
    if (changed) this.emit();
  }
  private emit() {
    for (const l of this.listeners) l({ tNs: this.now, on: [...this.on].sort() });
  }
  private at(tNs: bigint, act: () => void) {
    this.queue.push({ tNs, seq: this.seq++, act });
  }
}

