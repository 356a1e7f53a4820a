// The trace JSONL schema (docs/trace.md), as checks that turn one parsed JSON
// line back into a TraceEvent: time fields from decimal strings to bigint,
// every other field checked for type and range. Unknown fields are errors, so
// a typo in a hand-written trace is reported instead of silently ignored.
import type { TraceEvent, TraceKind } from './events.ts';

export class SchemaError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

type Check = (v: unknown, path: string) => unknown;

const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
};

const time: Check = (v, path) => {
  if (typeof v !== 'string' || !/^(0|[1-9][0-9]*)$/.test(v)) {
    throw new SchemaError(path, `expected a time in ns as a decimal string, got ${show(v)}`);
  }
  return BigInt(v);
};

const int =
  (min: number, max: number): Check =>
  (v, path) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new SchemaError(path, `expected an integer ${min}..${max}, got ${show(v)}`);
    }
    return v;
  };

const num: Check = (v, path) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new SchemaError(path, `expected a number, got ${show(v)}`);
  return v;
};

const str: Check = (v, path) => {
  if (typeof v !== 'string') throw new SchemaError(path, `expected a string, got ${show(v)}`);
  return v;
};

const bool: Check = (v, path) => {
  if (typeof v !== 'boolean') throw new SchemaError(path, `expected true or false, got ${show(v)}`);
  return v;
};

const hex: Check = (v, path) => {
  if (typeof v !== 'string' || !/^([0-9a-f]{2})*$/.test(v)) {
    throw new SchemaError(path, `expected lower-case hex bytes, got ${show(v)}`);
  }
  return v;
};

const oneOf =
  (...allowed: readonly (string | number)[]): Check =>
  (v, path) => {
    if (!allowed.includes(v as string | number)) {
      throw new SchemaError(path, `expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${show(v)}`);
    }
    return v;
  };

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Free-form JSON object (decoded MQTT packet fields, node event details): kept as written. */
const anyObject: Check = (v, path) => {
  if (!isPlainObject(v)) throw new SchemaError(path, `expected an object, got ${show(v)}`);
  return v;
};

const arr =
  (item: Check): Check =>
  (v, path) => {
    if (!Array.isArray(v)) throw new SchemaError(path, `expected an array, got ${show(v)}`);
    return v.map((x, i) => item(x, `${path}[${i}]`));
  };

const optional = (check: Check): Check & { optional: true } => Object.assign((v: unknown, p: string) => check(v, p), { optional: true as const });

type Fields = Record<string, Check & { optional?: true }>;

const obj =
  (fields: Fields): Check =>
  (v, path) => {
    if (!isPlainObject(v)) throw new SchemaError(path, `expected an object, got ${show(v)}`);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) {
      if (!(key in fields)) throw new SchemaError(path, `unknown field "${key}"`);
    }
    for (const [key, check] of Object.entries(fields)) {
      if (!(key in v)) {
        if (check.optional) continue;
        throw new SchemaError(path, `missing field "${key}"`);
      }
      out[key] = check(v[key], `${path}.${key}`);
    }
    return out;
  };

const byte = int(0, 255);
const zones = arr(int(0, 7));

const avrSnapshot = obj({
  cycles: int(0, Number.MAX_SAFE_INTEGER),
  pc: int(0, 0xffff),
  sp: int(0, 0xffff),
  sreg: byte,
  spcr: byte,
  spsr: byte,
  spdr: byte,
  portd: byte,
  ddrd: byte,
});

const espSnapshot = obj({
  millis: int(0, 0xffffffff),
  freeHeap: int(0, Number.MAX_SAFE_INTEGER),
  mqttState: int(-128, 127), // PubSubClient state(): MQTT_CONNECTION_TIMEOUT (-4) .. MQTT_CONNECT_UNAUTHORIZED (5)
  zones: arr(obj({ zone: int(0, 7), on: bool, remainingMs: num })),
  wifiStatus: optional(int(0, 255)),
  time: optional(num),
  lastSSLError: optional(int(-1_000_000, 1_000_000)),
  boots: optional(int(0, Number.MAX_SAFE_INTEGER)),
});

const KIND_FIELDS: Record<TraceKind, Fields> = {
  spi: {
    t: time,
    end: time,
    sckHz: int(1, 1_000_000_000),
    mode: oneOf(0, 1, 2, 3),
    lsbFirst: bool,
    bytes: arr(obj({ t: time, end: time, mosi: byte, miso: byte, lost: bool })),
    violations: arr(str),
    relays: obj({ bitmap: byte, on: zones }),
    avr: optional(avrSnapshot),
    esp: optional(espSnapshot),
  },
  pin: {
    t: time,
    chip: oneOf('esp', 'avr'),
    pin: str,
    level: oneOf(0, 1),
    dir: optional(oneOf('in', 'out')),
  },
  relays: { t: time, on: zones, portd: byte, ddrd: byte },
  mqtt: {
    t: time,
    dir: oneOf('to-broker', 'from-broker'),
    client: str,
    identity: optional(str),
    packet: anyObject,
    raw: hex,
  },
  serial: { t: time, text: str },
  step: {
    t: time,
    scenario: str,
    index: int(0, Number.MAX_SAFE_INTEGER),
    step: str,
    status: oneOf('start', 'pass', 'fail'),
    message: optional(str),
  },
  node: { t: time, what: str, detail: optional(anyObject) },
};

const KIND_CHECKS = Object.fromEntries(
  Object.entries(KIND_FIELDS).map(([kind, fields]) => [kind, obj({ kind: oneOf(kind), ...fields })]),
) as Record<TraceKind, Check>;

/** Checks one parsed JSONL record and returns it as a TraceEvent; throws SchemaError naming the field. */
export function decodeTraceRecord(v: unknown): TraceEvent {
  if (!isPlainObject(v)) throw new SchemaError('event', `expected a JSON object, got ${show(v)}`);
  const kind = v['kind'];
  if (typeof kind !== 'string' || !(kind in KIND_CHECKS)) {
    throw new SchemaError('event.kind', `expected one of ${Object.keys(KIND_CHECKS).join(', ')}, got ${show(kind)}`);
  }
  const e = KIND_CHECKS[kind as TraceKind](v, kind) as TraceEvent;
  if (e.kind === 'spi') {
    if (e.end < e.t) throw new SchemaError('spi.end', `SS rises (${e.end}) before it falls (${e.t})`);
    e.bytes.forEach((b, i) => {
      if (b.end < b.t) throw new SchemaError(`spi.bytes[${i}].end`, `byte ends (${b.end}) before its first edge (${b.t})`);
    });
  }
  return e;
}
