// How the stepper prints events and the chips' state at the cursor.
import { styleText } from 'node:util';
import type { AvrSnapshot, EspSnapshot, MqttEvent, SpiEvent, TraceEvent } from '../trace/events.ts';
import { relayMeaning } from '../trace/meaning.ts';
import { spiByteEdges } from '../trace/spi-timing.ts';
import { brErrorName, mqttStateName } from '@esphil/esp-model';
import { SPCR_BITS, SPSR_BITS, SREG_BITS, bin8, bitNames, hex2, wifiStatusName } from './names.ts';
import { formatSpan, formatTime } from './time.ts';
import { AVR_BREAK } from './avr-breaks.ts';

export interface Paint {
  head(s: string): string;
  data(s: string): string;
  dim(s: string): string;
  error(s: string): string;
}

export const plain: Paint = { head: (s) => s, data: (s) => s, dim: (s) => s, error: (s) => s };

export const colour: Paint = {
  head: (s) => styleText('bold', s),
  data: (s) => styleText('cyan', s),
  dim: (s) => styleText('gray', s),
  error: (s) => styleText('red', s),
};

const zonesText = (on: readonly number[]): string => (on.length ? on.join(', ') : 'none');

/** "2 MHz" / "500 kHz" / "1234 Hz". */
const hz = (f: number): string => (f % 1_000_000 === 0 ? `${f / 1_000_000} MHz` : f % 1000 === 0 ? `${f / 1000} kHz` : `${f} Hz`);

export function mqttText(e: MqttEvent): string {
  const p = e.packet;
  const cmd = String(p['cmd'] ?? '?').toUpperCase();
  const arrow = e.dir === 'to-broker' ? '->' : '<-';
  const who = e.client || '(no client id yet)';
  let what = cmd;
  if (p['cmd'] === 'publish') what += ` ${String(p['topic'])} ${JSON.stringify(p['payload'] ?? '')}${p['qos'] ? ` qos ${p['qos']}` : ''}${p['retain'] ? ' retain' : ''}`;
  else if (p['cmd'] === 'subscribe' && Array.isArray(p['subscriptions'])) what += ` ${(p['subscriptions'] as { topic?: unknown }[]).map((s) => String(s.topic)).join(', ')}`;
  else if (p['cmd'] === 'connect') what += ` client id ${JSON.stringify(p['clientId'] ?? '')}${p['keepalive'] !== undefined ? ` keepalive ${p['keepalive']} s` : ''}`;
  else if (p['cmd'] === 'connack') what += ` return code ${String(p['returnCode'] ?? p['reasonCode'] ?? '?')}`;
  return `MQTT ${who} ${arrow} broker: ${what}`;
}

/** One line for any event, without its time. */
export function eventText(e: TraceEvent, p: Paint = plain): string {
  switch (e.kind) {
    case 'spi':
      return `SPI ${e.bytes.length} byte${e.bytes.length === 1 ? '' : 's'} MOSI ${p.data(e.bytes.map((b) => hex2(b.mosi)).join(' ') || '-')} MISO ${p.data(e.bytes.map((b) => hex2(b.miso)).join(' ') || '-')} -> zones on: ${zonesText(e.relays.on)}`;
    case 'pin':
      return `pin ${e.chip} ${e.pin} = ${e.level}${e.dir ? ` (${e.dir})` : ''}`;
    case 'relays':
      return `relays on: ${zonesText(e.on)} (PORTD 0x${hex2(e.portd)}, DDRD 0x${hex2(e.ddrd)})`;
    case 'mqtt':
      return mqttText(e);
    case 'serial':
      return `serial ${JSON.stringify(e.text)}`;
    case 'step':
      return `step ${e.scenario} #${e.index} ${e.step}: ${e.status}${e.message ? ` (${e.message})` : ''}`;
    case 'node':
      if (e.what === AVR_BREAK && e.detail) {
        const { pc, at, cycle } = e.detail as { pc: string; at: string; cycle: number };
        return `AVR stopped at ${pc}${at !== pc ? ` in ${at}` : ''} (cycle ${cycle})`;
      }
      return `node ${e.what}${e.detail ? ` ${JSON.stringify(e.detail)}` : ''}`;
  }
}

export const eventLine = (e: TraceEvent, p: Paint = plain): string => `${p.dim(formatTime(e.t))}  ${eventText(e, p)}`;

export function byteLine(e: SpiEvent, i: number, p: Paint = plain): string {
  const b = e.bytes[i]!;
  const m = relayMeaning(b.mosi);
  return (
    `byte ${i + 1}/${e.bytes.length} at ${formatTime(b.t)}: MOSI ${p.data(`0x${hex2(b.mosi)} 0b${bin8(b.mosi)}`)}` +
    ` MISO ${p.data(`0x${hex2(b.miso)} 0b${bin8(b.miso)}`)} -> bitmap 0x${hex2(m.bitmap)}, zones on: ${zonesText(m.on)}` +
    (b.lost ? p.error(' LOST (SPIF still set, the AVR had not read the previous byte)') : '')
  );
}

export function edgeLine(e: SpiEvent, i: number, k: number, p: Paint = plain): string {
  const edge = spiByteEdges(e, i)[k]!;
  const role = edge.sample
    ? `samples bit ${edge.bit} (b${edge.weight}): MOSI=${edge.mosi} MISO=${edge.miso}`
    : edge.bit < 8
      ? `shifts out bit ${edge.bit} (b${edge.weight}): MOSI=${edge.mosi} MISO=${edge.miso}`
      : 'ends the byte';
  return `edge ${k + 1}/16 of byte ${i + 1} at ${formatTime(edge.t)}: SCK ${edge.rising ? 'rising ' : 'falling'} -> ${edge.sck}, ${p.data(role)}`;
}

export function transactionLines(e: SpiEvent, n: number, p: Paint = plain): string[] {
  const order = e.lsbFirst ? 'LSB first' : 'MSB first';
  const lines = [
    p.head(`SPI transaction #${n} at ${formatTime(e.t)}, SS low for ${formatSpan(e.end - e.t)}`),
    `  ${hz(e.sckHz)}, mode ${e.mode} (CPOL ${e.mode >> 1}, CPHA ${e.mode & 1}), ${order}, ${e.bytes.length} byte${e.bytes.length === 1 ? '' : 's'}`,
    ...e.bytes.map((_b, i) => `  ${byteLine(e, i, p)}`),
    `  meaning: relay bitmap 0x${hex2(e.relays.bitmap)} (= ~last MOSI byte), energised zones: ${zonesText(e.relays.on)}`,
  ];
  for (const v of e.violations) lines.push(p.error(`  timing violation: ${v}`));
  return lines;
}

export function avrLines(s: AvrSnapshot): string[] {
  return [
    `  PC 0x${s.pc.toString(16).padStart(4, '0')} (word)  SP 0x${s.sp.toString(16).padStart(4, '0')}  SREG 0x${hex2(s.sreg)} [${bitNames(s.sreg, SREG_BITS)}]  cycles ${s.cycles}`,
    `  SPCR 0x${hex2(s.spcr)} [${bitNames(s.spcr, SPCR_BITS)}]  SPSR 0x${hex2(s.spsr)} [${bitNames(s.spsr, SPSR_BITS)}]  SPDR 0x${hex2(s.spdr)}`,
    `  PORTD 0x${hex2(s.portd)} 0b${bin8(s.portd)}  DDRD 0x${hex2(s.ddrd)} 0b${bin8(s.ddrd)}`,
  ];
}

export function espLines(s: EspSnapshot): string[] {
  const on = s.zones.filter((z) => z.on);
  const lines = [`  millis() ${s.millis}  free heap ${s.freeHeap} bytes  MQTT state ${s.mqttState} ${mqttStateName(s.mqttState)}`];
  const more: string[] = [];
  if (s.wifiStatus !== undefined) more.push(`WiFi ${wifiStatusName(s.wifiStatus)}`);
  if (s.time !== undefined) more.push(`time() ${s.time}${s.time > 0 ? ` (${new Date(s.time * 1000).toISOString()})` : ''}`);
  if (s.lastSSLError !== undefined) more.push(`last SSL error ${s.lastSSLError} ${brErrorName(s.lastSSLError)}`);
  if (s.boots !== undefined) more.push(`boots ${s.boots}`);
  if (more.length) lines.push(`  ${more.join('  ')}`);
  lines.push(`  zones: ${on.length ? on.map((z) => `${z.zone} on, ${(z.remainingMs / 1000).toFixed(3)} s left`).join('; ') : 'all off'}`);
  return lines;
}
