// avr8js keeps its clock-event queue private; the sleep and polling
// fast-forward need to see it and to fire events exactly as CPU.tick() does
// (avr8js src/cpu/cpu.ts: one due event per tick, callback first, then unlink).
import { avrInterrupt, type CPU } from 'avr8js';

export type AVRInterruptConfig = Parameters<CPU['queueInterrupt']>[0];

interface ClockEventEntry {
  cycles: number;
  callback: () => void;
  next: ClockEventEntry | null;
}

interface CPUInternals {
  nextClockEvent: ClockEventEntry | null;
  clockEventPool: ClockEventEntry[];
  pendingInterrupts: (AVRInterruptConfig | null)[];
}

const internals = (cpu: CPU): CPUInternals => cpu as unknown as CPUInternals;

export type ClockEvent = Readonly<ClockEventEntry>;

/** The earliest scheduled clock event, or null. */
export function headClockEvent(cpu: CPU): ClockEvent | null {
  return internals(cpu).nextClockEvent;
}

/** Fires the earliest clock event if it is due, as the first half of CPU.tick() does. */
export function fireDueClockEvent(cpu: CPU): boolean {
  const cpuInt = internals(cpu);
  const entry = cpuInt.nextClockEvent;
  if (!entry || entry.cycles > cpu.cycles) return false;
  entry.callback();
  cpuInt.nextClockEvent = entry.next;
  if (cpuInt.clockEventPool.length < 10) cpuInt.clockEventPool.push(entry);
  return true;
}

/** The interrupt vector CPU.tick() would take now, or -1. */
export function deliverableInterrupt(cpu: CPU): number {
  return cpu.interruptsEnabled ? cpu.nextInterrupt : -1;
}

export function isInterruptPending(cpu: CPU, vector: number): boolean {
  return internals(cpu).pendingInterrupts[vector] != null;
}

/** Takes the pending interrupt as the second half of CPU.tick() does; false when none can be taken. */
export function deliverInterrupt(cpu: CPU): boolean {
  const vector = deliverableInterrupt(cpu);
  if (vector < 0) return false;
  const interrupt = internals(cpu).pendingInterrupts[vector]!;
  avrInterrupt(cpu, interrupt.address);
  if (!interrupt.constant) cpu.clearInterrupt(interrupt);
  return true;
}

/**
 * Drops every scheduled clock event. When called from inside an event callback, the
 * firing entry stays at the head (CPU.tick() unlinks it right after the callback
 * returns) and is re-pointed at whatever gets scheduled after the drop.
 */
export function dropClockEvents(cpu: CPU, fromInsideCallback: boolean): () => void {
  const cpuInt = internals(cpu);
  const firing = fromInsideCallback ? cpuInt.nextClockEvent : null;
  let entry = cpuInt.nextClockEvent;
  while (entry) {
    const next: ClockEventEntry | null = entry.next;
    entry.next = null;
    entry = next;
  }
  cpuInt.nextClockEvent = null;
  return () => {
    if (!firing) return;
    firing.next = cpuInt.nextClockEvent;
    cpuInt.nextClockEvent = firing;
  };
}
