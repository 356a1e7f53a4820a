// One run as the lanes need it: per-lane lists sorted by time, times as
// numbers of virtual ns (exact for runs shorter than 104 days; longer runs
// lose a few ns far from the start, below what a screen pixel shows there).
import type { MqttEvent, SpiEvent, TraceEvent } from '../../trace/events.ts';
import { Levels } from './levels.ts';
import type { Names } from './names.ts';
import { mqttLabel, partyOf, tlsRefusalCode, type Party } from './mqtt-parties.ts';

export const ZONES = 8;

export interface ByteMark {
  t: number;
  end: number;
  mosi: number;
  miso: number;
  lost: boolean;
  window: SpiEvent;
  index: number;
}

export interface MqttMark {
  t: number;
  from: Party;
  to: Party;
  label: string;
  refused: boolean;
  keepalive: boolean;
}

export interface TextMark {
  t: number;
  text: string;
}

export interface StepMark {
  t: number;
  end: number;
  text: string;
  status: 'start' | 'pass' | 'fail';
  message?: string;
}

export interface RelayState {
  t: number;
  on: number[];
  portd: number;
  ddrd: number;
}

const KEEPALIVE = new Set(['pingreq', 'pingresp']);

export class RunModel {
  start = 0;
  end = 0;
  readonly windows: SpiEvent[] = [];
  readonly windowT: number[] = [];
  readonly bytes: ByteMark[] = [];
  readonly byteT: number[] = [];
  readonly ss = new Levels(1);
  readonly reset = new Levels(1);
  readonly pd = Array.from({ length: ZONES }, () => new Levels(1));
  readonly relay = Array.from({ length: ZONES }, () => new Levels(0));
  readonly relayStates: RelayState[] = [];
  readonly relayT: number[] = [];
  readonly relayChangeT: number[] = [];
  readonly mqtt: MqttMark[] = [];
  readonly mqttT: number[] = [];
  /** MQTT packets other than keepalives, for next/previous. */
  readonly messageT: number[] = [];
  readonly serial: TextMark[] = [];
  readonly serialT: number[] = [];
  readonly node: TextMark[] = [];
  readonly nodeT: number[] = [];
  readonly steps: StepMark[] = [];
  readonly stepT: number[] = [];
  readonly failT: number[] = [];
  /** Moments something other than a keepalive happened: what idle compression keeps. */
  readonly activity: number[] = [];
}

const byTime = (a: TraceEvent, b: TraceEvent): number => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0);

/** Builds the lanes from events in any order (live events arrive out of order: an SPI window after its pins). */
export function buildModel(input: readonly TraceEvent[], names: Names, nowNs?: bigint): RunModel {
  const events = [...input].sort(byTime);
  const m = new RunModel();
  const nodeClients = new Set(events.filter((e): e is MqttEvent => e.kind === 'mqtt' && e.packet['cmd'] === 'subscribe').map((e) => e.client));
  const openSteps = new Map<string, StepMark>();
  const connected = new Set<unknown>();
  let lastOn = '';
  for (const e of events) {
    const t = Number(e.t);
    switch (e.kind) {
      case 'spi':
        m.windows.push(e);
        m.windowT.push(t);
        e.bytes.forEach((b, index) => {
          m.bytes.push({ t: Number(b.t), end: Number(b.end), mosi: b.mosi, miso: b.miso, lost: b.lost, window: e, index });
          m.byteT.push(Number(b.t));
        });
        m.activity.push(Number(e.end));
        if (Number(e.end) > m.end) m.end = Number(e.end);
        break;
      case 'pin':
        if (e.chip === 'esp' && e.pin === 'GPIO16') m.ss.set(t, e.level);
        else if (e.chip === 'avr' && e.pin === 'RESET') m.reset.set(t, e.level);
        else if (e.chip === 'avr' && /^PD[0-7]$/.test(e.pin)) m.pd[Number(e.pin[2])]!.set(t, e.level);
        break;
      case 'relays': {
        m.relayStates.push({ t, on: e.on, portd: e.portd, ddrd: e.ddrd });
        m.relayT.push(t);
        for (let z = 0; z < ZONES; z++) {
          m.relay[z]!.set(t, e.on.includes(z) ? 1 : 0);
          m.pd[z]!.set(t, ((e.portd >> z) & 1) as 0 | 1);
        }
        const key = e.on.join(',');
        if (key !== lastOn) m.relayChangeT.push(t);
        lastOn = key;
        break;
      }
      case 'mqtt': {
        const cmd = String(e.packet['cmd']);
        const client = partyOf(e, nodeClients);
        const keepalive = KEEPALIVE.has(cmd);
        const rc = cmd === 'connack' ? Number(e.packet['returnCode'] ?? 0) : 0;
        m.mqtt.push({ t, from: e.dir === 'to-broker' ? client : 'broker', to: e.dir === 'to-broker' ? 'broker' : client, label: mqttLabel(e, names), refused: rc !== 0, keepalive });
        m.mqttT.push(t);
        if (!keepalive) m.messageT.push(t);
        break;
      }
      case 'serial':
        m.serial.push({ t, text: e.text });
        m.serialT.push(t);
        break;
      case 'node': {
        const id = e.detail?.['connId'];
        if (e.what === 'broker-client-connected') connected.add(id);
        // A connection the broker closed before any client connected on it: the TLS handshake was refused.
        if (e.what === 'broker-connection-closed' && id !== undefined && !connected.has(id)) {
          const code = tlsRefusalCode(events, e);
          const label = `TLS refused${code === undefined ? '' : ` ${code} ${names.brError[code] ?? ''}`}`;
          m.mqtt.push({ t, from: 'node', to: 'broker', label, refused: true, keepalive: false });
          m.mqttT.push(t);
          m.messageT.push(t);
        }
        const detail = e.detail ? ` ${JSON.stringify(e.detail)}` : '';
        m.node.push({ t, text: `${e.what}${detail}` });
        m.nodeT.push(t);
        break;
      }
      case 'step': {
        const key = `${e.scenario}#${e.index}`;
        if (e.status === 'start') {
          const mark: StepMark = { t, end: t, text: `${e.index}. ${e.step}`, status: 'start' };
          openSteps.set(key, mark);
          m.steps.push(mark);
          m.stepT.push(t);
        } else {
          const mark = openSteps.get(key);
          if (mark) {
            mark.end = t;
            mark.status = e.status;
            if (e.message) mark.message = e.message;
          }
          if (e.status === 'fail') m.failT.push(t);
        }
        break;
      }
    }
    if (!(e.kind === 'mqtt' && KEEPALIVE.has(String(e.packet['cmd'])))) m.activity.push(t);
    if (t > m.end) m.end = t;
  }
  if (nowNs !== undefined && Number(nowNs) > m.end) m.end = Number(nowNs);
  m.start = events.length ? Math.min(0, Number(events[0]!.t)) : 0;
  for (const s of m.steps) if (s.status === 'start') s.end = m.end;
  m.activity.sort((a, b) => a - b);
  return m;
}
