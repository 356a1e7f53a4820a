// Model-based testing of the whole node (fast-check commands): a small model of
// what the sketch and the relay board should do, next to the real world, both
// driven by the same generated sequence of operator commands and faults.
// Invariants are checked after every command and on every relay change:
//   - at most one zone is ever on;
//   - a zone is off by its commanded end (plus LATENCY), on until then;
//   - every command sent while the node is connected reaches the relays within LATENCY;
//   - after a Wi-Fi outage or a broker restart the node is subscribed again within
//     the sketch's retry bounds (RECONNECT_BOUND_NS);
//   - after an AVR reset the relays are off while the ESP still believes its zone is
//     on, until the sketch's next SPI write (a hazard of the design, docs/hazards.md).
import { createHash, type Hash } from 'node:crypto';
import fc from 'fast-check';
import { MQTT_CLIENT_ID } from '@esphil/esp-model';
import { World } from '../../src/world/world.ts';
import { defaultWorldConfig } from '../../src/world/defaults.ts';
import { encodeTraceEvent } from '../../src/trace/jsonl.ts';

const S = 1_000_000_000n;
/** Command to relay, and zone timer end to relay off: the sketch's loop plus one SPI byte, with room to spare. */
export const LATENCY_NS = 2n * S;
/** Wi-Fi join, NTP is already latched, TLS handshake, CONNECT and three SUBSCRIBEs, after at most one 5 s retry wait. */
export const RECONNECT_BOUND_NS = 120n * S;
const ZONE_TOPIC = 'irrigation/zone/on';
/**
 * After RESET is released the ATmega168 runs nothing for its start-up time (fuses: 6 CK + 14 CK + 65 ms);
 * an SPI byte sent then is lost as well (docs/hazards.md). The model lets that pass before the next command.
 */
const AVR_STARTUP_NS = 100_000_000n;

export interface NodeModel {
  /** The zone the sketch believes on, and when its timer ends (world ns). */
  espZone: number | null;
  espEndNs: bigint;
  /** The zone the AVR drives (the last SPI byte it received since its reset). */
  avrZone: number | null;
  /** Sum of the clock jumps so far, s: kept inside the certificates' validity. */
  utcJumpS: number;
}

/** Clock jumps add up to at most a year forward (the fixture certificates run to 2035) and an hour back. */
const MAX_UTC_JUMP_S = 365 * 86_400;
const MIN_UTC_JUMP_S = -3600;
export const initialModel = (): NodeModel => ({ espZone: null, espEndNs: 0n, avrZone: null, utcJumpS: 0 });

export interface Real {
  world: World;
  /** Every relay set seen, for the "at most one zone" invariant. */
  violations: string[];
  /** The node's CONNECT packets seen at the broker. */
  connects: number;
  /** SHA-256 of the whole trace (JSON lines): equal traces, equal digests, without keeping them. */
  trace: Hash;
}

/** Applies zone timer expiry up to `now`: the sketch turns the zone off and writes the all-off byte. */
function expire(m: NodeModel, now: bigint): void {
  if (m.espZone !== null && m.espEndNs <= now) {
    m.espZone = null;
    m.avrZone = null;
  }
}

/** The sketch's callback for "<zone> <seconds>" on the node's zone topic, as the model sees it. */
function applyZoneCommand(m: NodeModel, zone: number, seconds: number, now: bigint): void {
  if (zone >= 8) return;
  if (seconds > 0) {
    const changed = m.espZone !== zone;
    m.espZone = zone;
    m.espEndNs = now + BigInt(seconds) * S;
    if (changed) m.avrZone = zone; // the sketch sends a byte only when its bitmap changes
  } else if (m.espZone === zone) {
    m.espZone = null;
    m.avrZone = null;
  }
}

/** Compares the relays with the model unless a timer ends within LATENCY of now (either state is right then). */
function checkRelays(m: NodeModel, r: Real, what: string): void {
  const now = r.world.nowNs();
  if (m.espZone !== null && m.espEndNs > now - LATENCY_NS && m.espEndNs < now + LATENCY_NS) return;
  expire(m, now);
  const want = m.avrZone === null ? [] : [m.avrZone];
  const got = r.world.relaysOn();
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    throw new Error(`after ${what} at ${now} ns: relays ${JSON.stringify(got)}, the model expects ${JSON.stringify(want)} (ESP believes ${m.espZone ?? 'none'})`);
  }
}

async function waitReconnected(r: Real, connectsBefore: number, what: string): Promise<void> {
  const ok = await r.world.runUntil(() => r.connects > connectsBefore && r.world.nodeSubscribed(), RECONNECT_BOUND_NS);
  if (!ok) throw new Error(`after ${what}: the node was not subscribed again within ${RECONNECT_BOUND_NS / S} s`);
}

type Cmd = fc.AsyncCommand<NodeModel, Real>;

class ZoneOn implements Cmd {
  constructor(
    readonly zone: number,
    readonly seconds: number,
  ) {}
  check = () => true;
  async run(m: NodeModel, r: Real): Promise<void> {
    expire(m, r.world.nowNs());
    await r.world.publish(ZONE_TOPIC, Buffer.from(`${this.zone} ${this.seconds}`), { qos: 1, retain: false });
    applyZoneCommand(m, this.zone, this.seconds, r.world.nowNs());
    await r.world.runFor(LATENCY_NS);
    checkRelays(m, r, this.toString());
  }
  toString = () => `publish "${this.zone} ${this.seconds}"`;
}

/** Payloads the sketch must ignore or read in a known way (C-string and toInt() semantics, docs/architecture.md). */
export const MALFORMED: { payload: string; topic?: string; effect: null | [number, number] }[] = [
  { payload: '', effect: null },
  { payload: 'abc', effect: null }, // no space: durationStr empty
  { payload: '3', effect: null },
  { payload: '  5  ', effect: null }, // trimmed to "5"
  { payload: '9 10', effect: null }, // zone >= 8
  { payload: '-1 5', effect: null }, // (unsigned)-1
  { payload: '2 -5', effect: [2, 0] }, // seconds <= 0 turns zone 2 off
  { payload: '4 0', effect: [4, 0] },
  { payload: 'x y', effect: [0, 0] }, // toInt("x") = 0, toInt("y") = 0: zone 0 off
  { payload: '1\u00005 60', effect: null }, // a NUL ends the C string: "1", no space
  { payload: `3 30${'x'.repeat(300)}`, effect: null }, // longer than the 256-byte packet buffer: dropped
  { payload: '6 20', topic: 'irrigation/zone/off', effect: null }, // off and status do nothing
  { payload: '6 20', topic: 'irrigation/zone/status', effect: null },
];

class Malformed implements Cmd {
  constructor(readonly i: number) {}
  check = () => true;
  async run(m: NodeModel, r: Real): Promise<void> {
    const c = MALFORMED[this.i]!;
    expire(m, r.world.nowNs());
    await r.world.publish(c.topic ?? ZONE_TOPIC, Buffer.from(c.payload, 'utf8'), { qos: 0, retain: false });
    if (c.effect) applyZoneCommand(m, c.effect[0], c.effect[1], r.world.nowNs());
    await r.world.runFor(LATENCY_NS);
    checkRelays(m, r, this.toString());
  }
  toString = () => `malformed ${JSON.stringify(MALFORMED[this.i]!.payload.slice(0, 20))}${MALFORMED[this.i]!.topic ? ` on ${MALFORMED[this.i]!.topic}` : ''}`;
}

class Wait implements Cmd {
  constructor(readonly seconds: number) {}
  check = () => true;
  async run(m: NodeModel, r: Real): Promise<void> {
    await r.world.runFor(BigInt(this.seconds) * S);
    checkRelays(m, r, this.toString());
  }
  toString = () => `wait ${this.seconds} s`;
}

class WifiOutage implements Cmd {
  constructor(readonly seconds: number) {}
  check = () => true;
  async run(m: NodeModel, r: Real): Promise<void> {
    const before = r.connects;
    r.world.wifi(false);
    await r.world.runFor(BigInt(this.seconds) * S);
    checkRelays(m, r, `${this} (still down)`); // relays keep their state offline; timers still expire
    r.world.wifi(true);
    await waitReconnected(r, before, this.toString());
    checkRelays(m, r, this.toString());
  }
  toString = () => `Wi-Fi down for ${this.seconds} s`;
}

class BrokerRestart implements Cmd {
  check = () => true;
  async run(m: NodeModel, r: Real): Promise<void> {
    const before = r.connects;
    await r.world.broker('restart');
    await waitReconnected(r, before, this.toString());
    checkRelays(m, r, this.toString());
  }
  toString = () => 'broker restart';
}

class AvrReset implements Cmd {
  check = () => true;
  async run(m: NodeModel, r: Real): Promise<void> {
    expire(m, r.world.nowNs());
    await r.world.avrReset();
    await r.world.runFor(AVR_STARTUP_NS);
    m.avrZone = null;
    const esp = r.world.esp.snapshot().zones.filter((z) => z.on).map((z) => z.zone);
    // The hazard: the relays are off, the ESP still believes its zone is on.
    if (r.world.relaysOn().length !== 0) throw new Error(`after an AVR reset the relays are ${JSON.stringify(r.world.relaysOn())}, not off`);
    const believes = m.espZone === null ? [] : [m.espZone];
    const nearEnd = m.espZone !== null && m.espEndNs - r.world.nowNs() < LATENCY_NS;
    if (!nearEnd && JSON.stringify(esp) !== JSON.stringify(believes)) {
      throw new Error(`after an AVR reset the ESP believes ${JSON.stringify(esp)} on, the model ${JSON.stringify(believes)}`);
    }
  }
  toString = () => 'AVR reset';
}

class ClockJump implements Cmd {
  constructor(readonly seconds: number) {}
  check = (m: Readonly<NodeModel>) => m.utcJumpS + this.seconds <= MAX_UTC_JUMP_S && m.utcJumpS + this.seconds >= MIN_UTC_JUMP_S;
  async run(m: NodeModel, r: Real): Promise<void> {
    m.utcJumpS += this.seconds;
    r.world.advanceUtc(BigInt(this.seconds) * S); // NTP answers the new time from now on; zone timers run on millis()
    await r.world.runFor(LATENCY_NS);
    checkRelays(m, r, this.toString());
  }
  toString = () => `clock jump ${this.seconds} s`;
}

class NtpOutage implements Cmd {
  constructor(readonly seconds: number) {}
  check = () => true;
  async run(m: NodeModel, r: Real): Promise<void> {
    r.world.ntp(false);
    await r.world.runFor(BigInt(this.seconds) * S);
    r.world.ntp(true);
    checkRelays(m, r, this.toString()); // the clock gate is latched: nothing changes
  }
  toString = () => `NTP silent for ${this.seconds} s`;
}

/** The generated commands; weights favour commands, faults come often enough to interleave. */
export function nodeCommands(longestWaitS: number): fc.Arbitrary<Cmd>[] {
  return [
    fc.tuple(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 900 })).map(([z, s]) => new ZoneOn(z, s)),
    fc.integer({ min: 0, max: MALFORMED.length - 1 }).map((i) => new Malformed(i)),
    fc.integer({ min: 1, max: longestWaitS }).map((s) => new Wait(s)),
    fc.integer({ min: 1, max: 300 }).map((s) => new WifiOutage(s)),
    fc.constant(new BrokerRestart()),
    fc.constant(new AvrReset()),
    // Forward by up to 30 days or back by up to an hour each; check() keeps the sum inside the certificates' validity.
    fc.integer({ min: -3600, max: 30 * 86_400 }).map((s) => new ClockJump(s)),
    fc.integer({ min: 1, max: 600 }).map((s) => new NtpOutage(s)),
  ];
}

/** A world with the node booted and subscribed, its relays watched. */
export async function bootReal(): Promise<Real> {
  const world = await World.create(defaultWorldConfig());
  const r: Real = { world, violations: [], connects: 0, trace: createHash('sha256') };
  world.onRelays((e) => {
    if (e.on.length > 1) r.violations.push(`${e.tNs} ns: zones ${JSON.stringify(e.on)} on at once`);
  });
  world.onTrace((e) => {
    r.trace.update(encodeTraceEvent(e) + '\n');
    if (e.kind === 'mqtt' && e.dir === 'to-broker' && e.client === MQTT_CLIENT_ID && e.packet['cmd'] === 'connect') r.connects++;
  });
  world.powerOn();
  if (!(await world.runUntil(() => world.nodeSubscribed(), RECONNECT_BOUND_NS))) throw new Error('the node did not subscribe after power-on');
  return r;
}

/** Runs one generated sequence on a fresh world; throws on the first broken invariant. Returns the trace's digest. */
export async function runSequence(cmds: Iterable<Cmd>): Promise<string> {
  const real = await bootReal();
  try {
    await fc.asyncModelRun(() => ({ model: initialModel(), real }), cmds);
    if (real.violations.length) throw new Error(`more than one zone on: ${real.violations.join('; ')}`);
    return real.trace.digest('hex');
  } finally {
    await real.world.close();
  }
}
