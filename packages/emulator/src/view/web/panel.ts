// The side panel: both chips' state at the cursor, in the hardware's and the
// libraries' own names. Register values come from the trace's snapshots,
// taken at the SS rising edge of the SPI window at or before the cursor.
import { relayMeaning } from '../../trace/meaning.ts';
import { formatSpan, formatTime } from '../../stepper/time.ts';
import type { RunModel } from './model.ts';
import { bin, flags, hex, type Names } from './names.ts';
import { lowerIndex, upperIndex } from './search.ts';

type Row = [string, string];

const at = <T>(list: readonly T[], times: readonly number[], t: number): T | undefined => list[upperIndex(times, t) - 1];
const clock = (t: number | bigint): string => formatTime(typeof t === 'bigint' ? t : BigInt(Math.round(t)));
const zones = (on: readonly number[]): string => (on.length ? on.join(', ') : 'none');

/** The AVR copies each received byte to PORTD in its SPI interrupt: the PORTD change that byte caused, if it came before the next byte. */
function portdAfter(m: RunModel, i: number): Row[] {
  const b = m.bytes[i]!;
  const r = m.relayStates[lowerIndex(m.relayT, b.t)];
  const next = m.byteT[i + 1] ?? Infinity;
  if (!r || r.t >= next) return [];
  return [['PORTD after', `${hex(r.portd)} ${bin(r.portd)} (+${formatSpan(BigInt(Math.round(r.t - b.t)))})`]];
}

function section(title: string, rows: Row[]): HTMLElement {
  const sec = document.createElement('section');
  const h = document.createElement('h2');
  h.textContent = title;
  const dl = document.createElement('dl');
  for (const [k, v] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    dl.append(dt, dd);
  }
  sec.append(h, dl);
  return sec;
}

export function renderPanel(el: HTMLElement, m: RunModel, names: Names, t: number): void {
  const out: HTMLElement[] = [section('Cursor', [['time', clock(t)]])];
  const bi = upperIndex(m.byteT, t) - 1;
  const b = m.bytes[bi];
  if (b) {
    out.push(
      section(`SPI byte at ${clock(b.t)}`, [
        ['MOSI', `${hex(b.mosi)} ${bin(b.mosi)}`],
        ['MISO', `${hex(b.miso)} ${bin(b.miso)}`],
        ['zones on', zones(relayMeaning(b.mosi).on)],
        ...portdAfter(m, bi),
        ...(b.lost ? ([['lost', 'SPIF was still set: the previous byte was overwritten']] as Row[]) : []),
      ]),
    );
  }
  const w = at(m.windows, m.windowT, t);
  if (w?.avr) {
    const a = w.avr;
    out.push(
      section(`ATmega168 at SS rising ${clock(w.end)}`, [
        ['PC', `0x${(a.pc * 2).toString(16).padStart(4, '0')} (word 0x${a.pc.toString(16)})`],
        ['SP', `0x${a.sp.toString(16).padStart(4, '0')}`],
        ['SREG', `${hex(a.sreg)} [${flags(a.sreg, names.sreg)}]`],
        ['SPCR', `${hex(a.spcr)} [${flags(a.spcr, names.spcr)}]`],
        ['SPSR', `${hex(a.spsr)} [${flags(a.spsr, names.spsr)}]`],
        ['SPDR', hex(a.spdr)],
        ['PORTD', `${hex(a.portd)} ${bin(a.portd)}`],
        ['DDRD', `${hex(a.ddrd)} ${bin(a.ddrd)}`],
        ['cycles', String(a.cycles)],
      ]),
    );
  }
  if (w?.esp) {
    const e = w.esp;
    const rows: Row[] = [
      ['millis()', String(e.millis)],
      ['free heap', `${e.freeHeap} bytes`],
      ['state()', `${e.mqttState} ${names.mqttState[e.mqttState] ?? ''}`],
    ];
    if (e.wifiStatus !== undefined) rows.push(['WiFi.status()', `${e.wifiStatus} ${names.wifiStatus[e.wifiStatus] ?? ''}`]);
    if (e.time !== undefined) rows.push(['time()', e.time ? `${e.time} (${new Date(e.time * 1000).toISOString()})` : '0 (not set)']);
    if (e.lastSSLError !== undefined) rows.push(['getLastSSLError()', `${e.lastSSLError} ${names.brError[e.lastSSLError] ?? ''}`]);
    if (e.boots !== undefined) rows.push(['boots', String(e.boots)]);
    rows.push(['zones on', zones(e.zones.filter((z) => z.on).map((z) => z.zone))]);
    for (const z of e.zones.filter((z) => z.on)) rows.push([`zone ${z.zone} left`, `${z.remainingMs} ms`]);
    out.push(section(`ESP8266 at SS rising ${clock(w.end)}`, rows));
  }
  const r = at(m.relayStates, m.relayT, t);
  out.push(
    section('At the cursor', [
      ['relays on', zones(r?.on ?? [])],
      ['PORTD', r ? `${hex(r.portd)} ${bin(r.portd)}` : `${hex(0xff)} (reset value)`],
      ['SS (GPIO16)', String(m.ss.at(t))],
      ['RESET', String(m.reset.at(t))],
      ['MQTT', at(m.mqtt, m.mqttT, t)?.label ?? '-'],
      ['serial', at(m.serial, m.serialT, t)?.text ?? '-'],
      ['step', at(m.steps, m.stepT, t)?.text ?? '-'],
    ]),
  );
  el.replaceChildren(...out);
}
