// The one timeline of a run. Every event carries the world's virtual time in
// nanoseconds (`t`, a bigint in memory, a decimal string in JSON because ten
// years of nanoseconds exceed 2^53). The trace JSONL schema is documented in
// packages/emulator/docs/trace.md, checked by trace/schema.ts and written by
// trace/jsonl.ts.

/** AVR state at a moment, for the stepper. */
export interface AvrSnapshot {
  cycles: number;
  pc: number; // word address
  sp: number;
  sreg: number;
  spcr: number;
  spsr: number;
  spdr: number;
  portd: number;
  ddrd: number;
}

/** ESP state at a moment, for the stepper. */
export interface EspSnapshot {
  millis: number;
  freeHeap: number;
  mqttState: number; // PubSubClient state() code
  zones: { zone: number; on: boolean; remainingMs: number }[];
  wifiStatus?: number; // WiFi.status(), wl_status_t (WL_CONNECTED = 3)
  time?: number; // time(nullptr): UTC seconds as the ESP believes (0 before NTP sync)
  lastSSLError?: number; // WiFiClientSecure::getLastSSLError() (BR_ERR_X509_EXPIRED = 54)
  boots?: number; // how many times the ESP has started (ESP.restart() counts)
}

export interface SpiByte {
  t: bigint; // first SCK edge
  end: bigint; // last SCK edge + half period
  mosi: number;
  miso: number;
  lost: boolean; // this byte arrived while the previous one was still unread (SPIF set): the previous byte is lost (datasheet 19.2)
}

/** One SS-low window of the SPI bus. */
export interface SpiEvent {
  kind: 'spi';
  t: bigint; // SS falling edge
  end: bigint; // SS rising edge
  sckHz: number;
  mode: 0 | 1 | 2 | 3;
  lsbFirst: boolean;
  bytes: SpiByte[];
  violations: string[]; // e.g. "SCK 4000000 Hz > fosc/4 (2000000 Hz)"
  relays: { bitmap: number; on: number[] }; // meaning of the last MOSI byte: bitmap = ~byte, zones energised
  avr?: AvrSnapshot;
  esp?: EspSnapshot;
}

export interface PinEvent {
  kind: 'pin';
  t: bigint;
  chip: 'esp' | 'avr';
  pin: string; // 'GPIO16', 'GPIO4', 'GPIO5', 'PD0'..'PD7', 'RESET', 'PB2'
  level: 0 | 1;
  dir?: 'in' | 'out';
}

export interface RelaysEvent {
  kind: 'relays';
  t: bigint;
  on: number[]; // energised zones (PD pin output and low), ascending
  portd: number;
  ddrd: number;
}

export interface MqttEvent {
  kind: 'mqtt';
  t: bigint;
  dir: 'to-broker' | 'from-broker';
  client: string; // client id ('' before CONNECT)
  identity?: string; // certificate CN of the peer
  packet: Record<string, unknown>; // mqtt-packet decoded fields; payload as text when UTF-8, else hex
  raw: string; // hex
}

export interface SerialEvent {
  kind: 'serial';
  t: bigint;
  text: string;
}

export interface StepEvent {
  kind: 'step';
  t: bigint;
  scenario: string;
  index: number;
  step: string; // e.g. "publish irrigation/zone/on \"2 120\""
  status: 'start' | 'pass' | 'fail';
  message?: string;
}

/** Node-level happenings: wifi up/down, ntp sync, tls error, mqtt connect, broker restart, avr reset. */
export interface NodeEvent {
  kind: 'node';
  t: bigint;
  what: string;
  detail?: Record<string, unknown>;
}

export type TraceEvent = SpiEvent | PinEvent | RelaysEvent | MqttEvent | SerialEvent | StepEvent | NodeEvent;

export type TraceKind = TraceEvent['kind'];
export type TraceEventOf<K extends TraceKind> = Extract<TraceEvent, { kind: K }>;

export const TRACE_KINDS: readonly TraceKind[] = ['spi', 'pin', 'relays', 'mqtt', 'serial', 'step', 'node'];

/** Where every trace event goes: the recorder, and the writers it fans out to. */
export interface TraceSink {
  write(e: TraceEvent): void;
  close(): void;
}
