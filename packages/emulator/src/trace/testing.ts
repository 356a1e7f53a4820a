// Hand-built trace events for tests: SPI windows timed the way the ESP's
// SPI.transfer clocks them (SS low, a short set-up, 8 SCK periods per byte).
import type { SpiEvent, TraceEvent } from './events.ts';
import { relayMeaning } from './meaning.ts';

export interface SpiWindowSpec {
  t: bigint; // SS falling edge
  mosi: number[];
  miso?: number[]; // default: the byte the AVR had in SPDR, here 0x00 then the previous MOSI byte
  sckHz?: number; // default 2 MHz, as in the sketch
  mode?: 0 | 1 | 2 | 3;
  lsbFirst?: boolean;
  setupNs?: bigint; // SS falling to first SCK edge
  gapNs?: bigint; // between bytes
  holdNs?: bigint; // last byte end to SS rising
  lost?: number[]; // indices of bytes flagged lost
  violations?: string[];
}

export function spiWindow(spec: SpiWindowSpec): SpiEvent {
  const sckHz = spec.sckHz ?? 2_000_000;
  const byteNs = (8n * 1_000_000_000n) / BigInt(sckHz);
  let at = spec.t + (spec.setupNs ?? 2_000n);
  const bytes = spec.mosi.map((mosi, i) => {
    const b = {
      t: at,
      end: at + byteNs,
      mosi,
      miso: spec.miso?.[i] ?? (i === 0 ? 0 : spec.mosi[i - 1]!),
      lost: spec.lost?.includes(i) ?? false,
    };
    at = b.end + (spec.gapNs ?? 1_000n);
    return b;
  });
  const lastEnd = bytes.length ? bytes[bytes.length - 1]!.end : at;
  return {
    kind: 'spi',
    t: spec.t,
    end: lastEnd + (spec.holdNs ?? 2_000n),
    sckHz,
    mode: spec.mode ?? 0,
    lsbFirst: spec.lsbFirst ?? false,
    bytes,
    violations: spec.violations ?? [],
    relays: relayMeaning(spec.mosi[spec.mosi.length - 1]),
  };
}

const S = 1_000_000_000n;
const MS = 1_000_000n;

/**
 * A small day of the irrigation node: boot, NTP, MQTT connect, two zone
 * commands with their SPI windows, relay changes and serial lines.
 */
export function sampleTrace(): TraceEvent[] {
  const boot = 0n;
  const connected = 57_600n * S + 300n * MS; // after NTP: 16:00:00.300
  const on2 = connected + 5n * S;
  const on5 = on2 + 60n * S;
  const spi = (t: bigint, mosi: number, millis: number, zones: { zone: number; on: boolean; remainingMs: number }[]): SpiEvent => ({
    ...spiWindow({ t, mosi: [mosi] }),
    avr: { cycles: Number(t / 125n), pc: 0x7a, sp: 0x4fb, sreg: 0x82, spcr: 0x40, spsr: 0x80, spdr: mosi, portd: mosi, ddrd: 0xff },
    esp: { millis, freeHeap: 18_432, mqttState: 0, zones, wifiStatus: 3, time: 1_764_086_400 + Number(t / S) - 57_600, lastSSLError: 0, boots: 1 },
  });
  const allOff = [0, 1, 2, 3, 4, 5, 6, 7].map((zone) => ({ zone, on: false, remainingMs: 0 }));
  const zonesWith = (z: number, ms: number) => allOff.map((x) => (x.zone === z ? { zone: z, on: true, remainingMs: ms } : x));
  const publish = (t: bigint, payload: string): TraceEvent => ({
    kind: 'mqtt',
    t,
    dir: 'from-broker',
    client: 'sec_mqtt_client_00_03',
    identity: 'sec_mqtt_client_00_03',
    packet: { cmd: 'publish', topic: 'irrigation/zone/on', payload, qos: 0, retain: false, dup: false },
    raw: Buffer.concat([Buffer.from([0x30, 20 + payload.length, 0x00, 0x12]), Buffer.from(`irrigation/zone/on${payload}`)]).toString('hex'),
  });
  return [
    { kind: 'step', t: boot, scenario: 'irrigation-day', index: 0, step: 'boot', status: 'start' },
    { kind: 'pin', t: boot, chip: 'esp', pin: 'GPIO4', level: 1, dir: 'out' },
    { kind: 'pin', t: boot, chip: 'avr', pin: 'RESET', level: 1 },
    { kind: 'relays', t: 20_000n, on: [], portd: 0xff, ddrd: 0xff },
    { kind: 'node', t: 3n * S, what: 'wifi-connected', detail: { ssid: 'irrigation', ip: '10.0.0.23' } },
    { kind: 'serial', t: 4n * S, text: 'Waiting for NTP time sync: Ready.' },
    { kind: 'node', t: 57_600n * S, what: 'ntp-sync', detail: { utc: '2026-11-25T16:00:00Z' } },
    { kind: 'serial', t: connected - 100n * MS, text: 'Attempting MQTT connection...connected' },
    {
      kind: 'mqtt',
      t: connected,
      dir: 'to-broker',
      client: 'sec_mqtt_client_00_03',
      packet: { cmd: 'subscribe', subscriptions: [{ topic: 'irrigation/zone/on', qos: 0 }] },
      raw: `821700010012${Buffer.from('irrigation/zone/on').toString('hex')}00`,
    },
    publish(on2 - 2n * MS, '2 120'),
    spi(on2, 0xfb, 60_000_300, zonesWith(2, 120_000)),
    { kind: 'relays', t: on2 + 7_125n, on: [2], portd: 0xfb, ddrd: 0xff },
    { kind: 'serial', t: on2 + 20n * MS, text: 'Zone-2 TURN ON for 120 seconds.' },
    publish(on5 - 2n * MS, '5 30'),
    spi(on5, 0xdf, 60_065_300, zonesWith(5, 30_000)),
    { kind: 'relays', t: on5 + 7_125n, on: [5], portd: 0xdf, ddrd: 0xff },
    { kind: 'serial', t: on5 + 20n * MS, text: 'Zone-5 TURN ON for 30 seconds.' },
    spi(on5 + 30n * S, 0xff, 60_095_300, allOff),
    { kind: 'relays', t: on5 + 30n * S + 7_125n, on: [], portd: 0xff, ddrd: 0xff },
    { kind: 'step', t: on5 + 31n * S, scenario: 'irrigation-day', index: 3, step: 'expect relays []', status: 'pass' },
  ];
}
