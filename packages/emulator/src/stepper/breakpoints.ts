// Stepper breakpoints: a byte pattern on MOSI or MISO, a zone change on the
// relay port, an MQTT PUBLISH topic (MQTT 3.1.1 section 4.7 filters), a serial
// line (the scenario language's text patterns: plain text or /regex/flags), or
// an AVR instruction address (scenarios only: the AVR stops there and says so).
import { textMatcher, topicFilterError, topicMatches } from '../scenario/matchers.ts';
import type { RelaysEvent, SpiEvent, TraceEvent } from '../trace/events.ts';
import { AVR_BREAK } from './avr-breaks.ts';

export type BreakKind = 'mosi' | 'miso' | 'zone' | 'topic' | 'serial' | 'avr';
export const BREAK_KINDS: readonly BreakKind[] = ['mosi', 'miso', 'zone', 'topic', 'serial', 'avr'];

/** Sets an AVR breakpoint in the running scenario; returns its flash byte address and where that is. */
export type AvrBreakResolver = (spec: string) => { address: number; where: string; remove(): void };

export interface Breakpoint {
  id: number;
  kind: BreakKind;
  spec: string;
  /** Where it hits in `e` (the byte index for patterns, 0 otherwise), or -1. `zonesBefore` is the relay state before e. */
  hit(e: TraceEvent, zonesBefore: readonly number[]): number;
  /** Undoes what setting it did outside the stepper (an AVR breakpoint in the run loop). */
  remove?(): void;
}

/** `fb`, `3c xx ff`, `0x3cxxff`: hex bytes where an `x` nibble matches anything. */
export function parseBytePattern(text: string): { value: number; mask: number }[] {
  const digits = text
    .toLowerCase()
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((tok) => tok.replace(/^0x/, ''))
    .join('');
  if (!digits || !/^[0-9a-fx]+$/.test(digits) || digits.length % 2) {
    throw new Error(`byte pattern "${text}": expected hex bytes with xx wildcards, e.g. "fb" or "3c xx ff"`);
  }
  const out: { value: number; mask: number }[] = [];
  for (let i = 0; i < digits.length; i += 2) {
    let value = 0;
    let mask = 0;
    for (const ch of digits.slice(i, i + 2)) {
      value <<= 4;
      mask <<= 4;
      if (ch !== 'x') {
        value |= parseInt(ch, 16);
        mask |= 0xf;
      }
    }
    out.push({ value, mask });
  }
  return out;
}

export function matchBytes(bytes: readonly number[], pattern: readonly { value: number; mask: number }[]): number {
  for (let i = 0; i + pattern.length <= bytes.length; i++) {
    if (pattern.every((p, j) => (bytes[i + j]! & p.mask) === p.value)) return i;
  }
  return -1;
}

const zonesChanged = (before: readonly number[], after: readonly number[], zone: number | 'any'): boolean =>
  zone === 'any' ? before.join() !== after.join() : before.includes(zone) !== after.includes(zone);

export function makeBreakpoint(id: number, kind: string, spec: string, avrBreak?: AvrBreakResolver): Breakpoint {
  const k = kind as BreakKind;
  if (!BREAK_KINDS.includes(k)) throw new Error(`break: unknown kind "${kind}" (expected ${BREAK_KINDS.join(', ')})`);
  if (!spec) throw new Error(`break ${kind}: missing ${k === 'zone' ? 'zone number or "any"' : k === 'topic' ? 'topic filter' : k === 'serial' ? 'text or /regex/' : k === 'avr' ? 'function name or 0xaddress' : 'byte pattern'}`);
  const bp = (hit: Breakpoint['hit']): Breakpoint => ({ id, kind: k, spec, hit });
  switch (k) {
    case 'mosi':
    case 'miso': {
      const pattern = parseBytePattern(spec);
      return bp((e) => (e.kind === 'spi' ? matchBytes((e as SpiEvent).bytes.map((b) => b[k]), pattern) : -1));
    }
    case 'zone': {
      const zone = spec === 'any' ? 'any' : /^[0-7]$/.test(spec) ? Number(spec) : null;
      if (zone === null) throw new Error(`break zone "${spec}": expected a zone 0..7 or "any"`);
      return bp((e, before) => (e.kind === 'relays' && zonesChanged(before, (e as RelaysEvent).on, zone) ? 0 : -1));
    }
    case 'topic': {
      const bad = topicFilterError(spec, true);
      if (bad) throw new Error(`break topic: ${bad}`);
      return bp((e) => (e.kind === 'mqtt' && e.packet['cmd'] === 'publish' && typeof e.packet['topic'] === 'string' && topicMatches(spec, e.packet['topic']) ? 0 : -1));
    }
    case 'serial': {
      const match = textMatcher(spec);
      return bp((e) => (e.kind === 'serial' && match.test(e.text) ? 0 : -1));
    }
    case 'avr': {
      if (!avrBreak) throw new Error('break avr: the AVR runs only when stepping a scenario, not a recorded trace');
      const { address, where, remove } = avrBreak(spec);
      return { id, kind: k, spec: `${spec} (${where})`, remove, hit: (e) => (e.kind === 'node' && e.what === AVR_BREAK && parseInt(String(e.detail?.['pc']), 16) === address ? 0 : -1) };
    }
  }
}
