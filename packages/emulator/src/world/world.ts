// One node (ESP8266 model + ATmega168 running a real .hex), one network and
// one broker, in one virtual clock. The world is a discrete-event simulation:
// it always jumps to the next thing that can happen (an ESP wake-up, an AVR
// clock event, a library timer, a scheduled network delivery) and lets the
// real in-memory I/O (TLS over in-memory links) settle between jumps.
import { ATmega168 } from '@esphil/avr-slave';
import { Esp8266, MQTT_CLIENT_ID } from '@esphil/esp-model';
import { createBroker, loadMosquittoConf, noEffectNotice, type Broker, type CaptureRecord } from '@esphil/broker';
import { noticeOnce } from './notices.ts';
import type { Duplex } from 'node:stream';
import type { TraceEvent } from '../trace/events.ts';
import type { ScenarioContext } from '../scenario/context.ts';
import { VirtualClock, realNow, realSetImmediate, realSetTimeout } from './clock.ts';
import { EventQueue } from './queue.ts';
import { WorldNetwork, OPERATOR_IP, type BrokerEndpoint } from './network.ts';
import { Wires } from './wires.ts';
import { Operator } from './operator.ts';
import { mqttTraceEvent } from './mqtt-trace.ts';
import { refusalInWords, type OutsideBroker } from './outside-broker.ts';
import { History } from './history.ts';
import { PcapWriter, JsonlRecorder, fileSink, type CaptureSink, type ConnectionClose, type ConnectionOpen } from '../capture/index.ts';
import type { WorldConfig } from './config.ts';

/** Events at one instant before the world calls it a livelock. */
const MAX_EVENTS_PER_INSTANT = 100_000;
/** irrigation/zone/on, /off, /status: the sketch subscribes to each in its own SUBSCRIBE. */
const NODE_TOPICS = 3;
/** setImmediate rounds without a byte moving before I/O counts as settled. */
const SETTLE_QUIET_ROUNDS = 2;
/** Wall time a loopback TCP byte may take before the world gives up on the transport. */
const TCP_STALL_MS = 10_000;
/** A node session with an outside broker counts as subscribed this long after its CONNACK. */
const OUTSIDE_SUBSCRIBE_NS = 500_000_000n;
/** Wall time between turns of a world paced to the wall clock (an outside broker). */
const PACE_TICK_MS = 5;
/** Longest stretch a busy AVR runs before the world looks at a waiting predicate again. */
const AVR_SLICE_NS = 1_000_000n;

const earliest = (a: bigint | null, b: bigint | null): bigint | null => (a === null ? b : b === null || a <= b ? a : b);
const nextTurn = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));
/** Resumes once Node's tick queue is empty: a nextTick's promise continues only after every tick queued meanwhile has run. */
const afterTicks = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));
/** Whether a setImmediate callback is queued besides the one running (Node counts only those not yet run). */
const immediatePending = (): boolean => process.getActiveResourcesInfo().includes('Immediate');

export interface RelayChange {
  tNs: bigint;
  on: number[];
}

export class World implements ScenarioContext {
  readonly clock: VirtualClock;
  readonly queue = new EventQueue();
  readonly avr: ATmega168;
  readonly esp: Esp8266;
  readonly net: WorldNetwork;
  readonly wires: Wires;
  readonly operator: Operator;
  mqttBroker!: Broker;
  private readonly serial = new History<{ tNs: bigint; text: string }>();
  private readonly events = new History<{ tNs: bigint; what: string; detail?: Record<string, unknown> }>();
  private readonly seen = new History<{ tNs: bigint; topic: string; payload: Buffer; from: string }>();
  private readonly traceSinks: ((e: TraceEvent) => void)[] = [];
  private readonly captureSinks: CaptureSink[] = [];
  private readonly relayListeners: ((e: RelayChange) => void)[] = [];
  private readonly brokerInputListeners: ((bytes: number) => void)[] = [];
  private readonly espPins = new Map<number, 0 | 1>();
  private readonly turnHooks: (() => void)[] = [];
  private nodeSubacks = 0;
  /** ESP I/O wake-ups and broker packets: real I/O the network counters cannot see. */
  private ioActivity = 0;
  private closed = false;
  /** Every byte of the world moves over in-memory streams: settle() can tell exactly when they stop. */
  private readonly exactSettle: boolean;
  /** net.activity when settle() last ended after a round, in this runTo(); null before the first. */
  private settledAt: number | null = null;
  /** Set when the node talks to an outside broker: virtual time follows the wall clock from `origin`. */
  private readonly pacer: { origin: { wallMs: number; ns: bigint } | null } | null;
  /** Why the last connection to the outside broker could not be made (TCP level), until the next attempt. */
  private outsideFailure: string | null = null;
  /** When the node's MQTT session to the outside broker came up, for nodeSubscribed(). */
  private outsideConnectedAt: bigint | null = null;

  private readonly brokerEndpoint: BrokerEndpoint = {
    running: () => this.mqttBroker?.running ?? false,
    accept: (stream, info) => this.mqttBroker.acceptStream(stream, info),
  };

  private constructor(readonly config: WorldConfig) {
    this.clock = new VirtualClock(config.startUtcMs);
    this.pacer = config.outsideBroker ? { origin: null } : null;
    this.exactSettle = config.transport === 'memory' && !config.outsideBroker;
    this.avr = new ATmega168();
    if (config.avrElf) this.avr.loadProgram(config.avrElf.elf.flash);
    else this.avr.loadHex(config.avrHex.text, config.avrHex.file);
    this.net = new WorldNetwork({
      clock: this.clock,
      queue: this.queue,
      ap: config.ap,
      ntp: config.ntp,
      transport: config.transport,
      broker: this.brokerEndpoint,
      ...(config.outsideBroker ? { outside: { broker: config.outsideBroker, failed: (reason: string) => (this.outsideFailure = reason) } } : {}),
      onEvent: (what, detail) => this.nodeEvent(what, detail),
    });
    this.esp = new Esp8266({
      clock: this.clock,
      // The wires need the ESP's snapshot, so they are made just below; the bus reaches them late.
      spi: { transfer: (mosi, t) => this.wires.spiBus.transfer(mosi, t) },
      ap: this.net.accessPoint,
      ntp: this.net.ntpServer,
      net: this.net.network,
      sketch: {
        ssid: config.wifi.ssid,
        psk: config.wifi.psk,
        brokerHost: config.outsideBroker?.host ?? config.node.brokerHost,
        ...(config.outsideBroker ? { brokerPort: config.outsideBroker.port } : {}),
        caPem: config.node.caPem,
        certPem: config.node.certPem,
        keyPem: config.node.keyPem,
        debugLog: config.debugLog,
        startupTest: config.startupTest,
        cpuMhz: config.cpuMhz,
        ispServer: config.ispServer,
        otaPublicKeyPem: config.node.otaPublicKeyPem,
      },
      millisAtBoot: config.millisAtBoot,
    });
    this.wires = new Wires(
      this.avr,
      (e) => this.emit(e),
      () => this.esp.snapshot(),
      (pin, level) => this.esp.setInput(pin, level),
    );
    this.net.setLinkLostHandler(() => this.esp.linkLost());
    this.esp.onActivity(() => this.ioActivity++);
    this.esp.onSerial((line) => {
      this.serial.push(line);
      this.emit({ kind: 'serial', t: line.tNs, text: line.text });
    });
    this.esp.onEvent((e) => {
      this.nodeEvent(e.what, e.detail, e.tNs);
      if (config.outsideBroker) this.outsideBrokerEvent(config.outsideBroker, e.what, e.detail ?? {});
    });
    this.esp.onGpio((pin, level, t) => {
      this.espPins.set(pin, level);
      this.wires.espGpio(pin, level, t);
    });
    this.operator = new Operator({
      ...config.operator,
      utcMs: () => this.clock.utcMs(),
      open: () => this.openOperatorStream(),
      ...(config.outsideBroker ? { host: config.outsideBroker.host } : {}),
    });
  }

  /** Builds the world; library timers are faked from here until close(). */
  static async create(config: WorldConfig): Promise<World> {
    const w = new World(config);
    w.clock.installLibraryTimers();
    try {
      await w.startBroker();
    } catch (e) {
      w.clock.uninstallLibraryTimers();
      throw e;
    }
    return w;
  }

  private async startBroker(): Promise<void> {
    const { confPath, cert, key } = this.config.broker;
    const conf = loadMosquittoConf(confPath);
    const notice = noEffectNotice(conf);
    if (notice) noticeOnce(notice);
    if (cert) conf.certfile = cert;
    if (key) conf.keyfile = key;
    this.mqttBroker = await createBroker({
      config: conf,
      clock: { nowNs: () => this.clock.nowNs(), utcMs: () => this.clock.utcMs() },
      onCapture: (r) => this.onCapture(r),
      onEvent: (e) => {
        // Recorders frame each connection from the broker's own open/close (refused ones included).
        if (e.what === 'connection-opened') for (const c of this.captureSinks) c.open(e.detail as unknown as ConnectionOpen);
        if (e.what === 'connection-closed') for (const c of this.captureSinks) c.close(e.detail as unknown as ConnectionClose);
        const { tNs: _t, ...detail } = e.detail; // the event's own t says when
        this.nodeEvent(e.what.startsWith('broker-') ? e.what : `broker-${e.what}`, detail);
      },
    });
    await this.net.tcp?.start();
  }

  private onCapture(r: CaptureRecord): void {
    this.ioActivity++; // over TCP the broker's side of a socket is only seen here
    if (r.dir === 'to-broker') for (const l of this.brokerInputListeners) l(r.raw.length);
    const p = r.packet;
    if (r.dir === 'to-broker' && p.cmd === 'publish' && !r.denied) {
      const payload = Buffer.isBuffer(p.payload) ? p.payload : Buffer.from(p.payload);
      this.seen.push({ tNs: r.tNs, topic: p.topic, payload, from: r.clientId });
    }
    if (r.clientId === MQTT_CLIENT_ID) {
      if (p.cmd === 'connect') this.nodeSubacks = 0;
      if (p.cmd === 'suback') this.nodeSubacks++;
    }
    for (const c of this.captureSinks) c.record(r);
    // Only trace sinks see MQTT events: with none, the packet is not turned into JSON.
    if (this.traceSinks.length > 0) this.emit(mqttTraceEvent(r));
  }

  /**
   * Records the broker-side MQTT session from now on: a classic pcap (Ethernet/IPv4/TCP,
   * port 1883, virtual timestamps), or an esphil JSON-lines recording when the name ends in .jsonl.
   */
  recordPcap(path: string): { close(): Promise<void> } {
    const sink = fileSink(path);
    const rec: CaptureSink = path.endsWith('.jsonl') ? new JsonlRecorder(sink) : new PcapWriter(sink, { baseEpochMs: this.config.startUtcMs });
    this.captureSinks.push(rec);
    return {
      close: async () => {
        this.captureSinks.splice(this.captureSinks.indexOf(rec), 1);
        rec.end();
      },
    };
  }

  /** The outside broker's answers in words ("broker refused the node's certificate: unknown CA (alert 48)"). */
  private outsideBrokerEvent(broker: OutsideBroker, what: string, detail: Record<string, unknown>): void {
    if (what === 'esp-mqtt-connect-failed') {
      const r = refusalInWords(Number(detail.state), Number(detail.sslError), this.outsideFailure);
      this.outsideFailure = null;
      this.outsideConnectedAt = null;
      this.nodeEvent(r.what, { url: broker.url, reason: r.reason });
    } else if (what === 'esp-heap' && detail.at === 'mqtt-connected') {
      this.outsideConnectedAt = this.clock.nowNs();
      this.nodeEvent('broker-client-connected', { url: broker.url, clientId: MQTT_CLIENT_ID });
    }
  }

  private openOperatorStream(): Duplex | string {
    if (this.config.outsideBroker) return this.net.outsideStream(this.config.outsideBroker);
    if (!this.mqttBroker.running) return 'broker is stopped';
    return this.net.memoryStream(this.brokerEndpoint, OPERATOR_IP);
  }

  onTrace(sink: (e: TraceEvent) => void): void {
    this.traceSinks.push(sink);
  }

  /** Called at the start of every turn of the event loop, where a debugger may stop the world. */
  onTurn(hook: () => void): void {
    this.turnHooks.push(hook);
  }

  onRelays(cb: (e: RelayChange) => void): void {
    this.relayListeners.push(cb);
  }

  /** Called with the size of every packet a client sends the served broker (serve's idle collection counts them). */
  onBrokerInput(cb: (bytes: number) => void): void {
    this.brokerInputListeners.push(cb);
  }

  private emit(e: TraceEvent): void {
    if (e.kind === 'node') this.events.push({ tNs: e.t, what: e.what, ...(e.detail ? { detail: e.detail } : {}) });
    if (e.kind === 'relays') for (const l of this.relayListeners) l({ tNs: e.t, on: e.on });
    for (const s of this.traceSinks) s(e);
  }

  /** A node event from a tool watching the node (the stepper's AVR breakpoints). */
  note(what: string, detail: Record<string, unknown>, tNs?: bigint): void {
    this.nodeEvent(what, detail, tNs);
  }

  private nodeEvent(what: string, detail?: Record<string, unknown>, tNs: bigint = this.clock.nowNs()): void {
    this.emit({ kind: 'node', t: tNs, what, ...(detail ? { detail } : {}) });
  }

  /** Power on: the AVR runs from reset, the ESP boots into setup(). */
  powerOn(): void {
    this.esp.powerOn();
  }

  // ---- the event loop ----

  /**
   * Lets real I/O (TLS over in-memory links, aedes) run until no byte moves. In memory
   * that moment is known exactly: once no setImmediate callback is waiting (Node drains
   * nextTicks and promises between callbacks, and a TLS write completes from one, on the
   * link as in js_stream_socket), nothing is left that could run before the world's own next step, and
   * quiet rounds would only spin. So a PINGRESP or PUBLISH that reached the ESP is read by
   * it in the very next turn, one round later, in the state the quiet rounds would have left.
   * The first round is queued only once the ticks of this turn have run: the callbacks they
   * queue (aedes answering a PINGREQ, a write completing) then run before it in the same
   * round. Where the round is queued changes only how many rounds pass, never the state
   * settle() returns in. A turn of the world's own (`turn`) that wrote no byte since the
   * last settle of the same run (the ESP reading what the last round delivered, then
   * blocking again) needs no round at all when no callback waits for one: a write reaches
   * the network at once, so such a turn started no I/O. Code outside the turns (a step) may
   * have, and always gets a round. A keepalive costs one round of the event loop.
   */
  private async settle(turn = false): Promise<void> {
    let quiet = 0;
    let mark = this.net.activity + this.ioActivity;
    await afterTicks();
    if (turn && this.exactSettle && this.settledAt === this.net.activity && !immediatePending()) return;
    while (quiet < SETTLE_QUIET_ROUNDS) {
      await nextTurn();
      if (this.exactSettle && !immediatePending()) {
        this.settledAt = this.net.activity;
        return;
      }
      const now = this.net.activity + this.ioActivity;
      if (now !== mark) {
        mark = now;
        quiet = 0;
      } else quiet++;
      if (quiet === SETTLE_QUIET_ROUNDS && this.net.tcp?.busy()) {
        await this.tcpDrained();
        mark = this.net.activity + this.ioActivity;
        quiet = 0;
      }
    }
  }

  /** Waits real time (with a poll phase after each wait, where socket reads land) until no TCP byte is in flight. */
  private async tcpDrained(): Promise<void> {
    const start = realNow();
    while (this.net.tcp?.busy()) {
      if (realNow() - start > TCP_STALL_MS) throw new Error(`TCP transport: bytes in flight for more than ${TCP_STALL_MS} ms of wall time`);
      await new Promise<void>((r) => realSetTimeout(r, 1));
      await nextTurn();
    }
  }

  /** The earliest pending event time among all sources (never before now). */
  private nextEventNs(avrIdle: boolean): bigint | null {
    let next = earliest(earliest(this.queue.peekTime(), this.esp.nextWakeNs()), this.clock.nextLibraryTimerNs());
    // A busy AVR handles its own clock events inside runUntil (runAvrAhead); only an idle
    // one needs the world to stop at its next event, which may wake it.
    if (avrIdle) {
      const avrEvent = this.avr.nextEventCycle();
      if (avrEvent !== undefined) next = earliest(next, this.wires.ns(avrEvent));
    }
    const now = this.clock.nowNs();
    return next !== null && next < now ? now : next;
  }

  private sameInstant = { t: -1n, n: 0 };

  /** Fires everything due at the current instant. */
  private fireDue(): void {
    const now = this.clock.nowNs();
    if (this.sameInstant.t === now) {
      if (++this.sameInstant.n > MAX_EVENTS_PER_INSTANT) {
        throw new Error(
          `livelock: more than ${MAX_EVENTS_PER_INSTANT} events at virtual time ${now} ns without time moving ` +
            `(queue ${this.queue.peekTime()}, esp ${this.esp.nextWakeNs()}, timers ${this.clock.nextLibraryTimerNs()}, ` +
            `avr event cycle ${this.avr.nextEventCycle()} at cycle ${this.avr.cycles}, idle ${this.avr.isIdle()})`,
        );
      }
    } else this.sameInstant = { t: now, n: 0 };
    this.clock.advanceTo(now); // library timers set for "now" since the last jump
    this.queue.runDue(now);
    this.wires.syncAvr(now);
    const wake = this.esp.nextWakeNs();
    if (wake !== null && wake <= now) this.esp.poll();
  }

  /**
   * Runs a busy AVR ahead to `limit`, stopping when it idles,
   * and moves the world to where it stopped: relay changes are seen at their own time.
   */
  private runAvrAhead(limit: bigint): boolean {
    const start = this.avr.cycles;
    const reached = this.avr.runUntil(this.wires.cycleAt(limit), { stopWhenIdle: true });
    const t = this.wires.ns(reached);
    if (t > this.clock.nowNs()) this.clock.advanceTo(t > limit ? limit : t);
    return reached !== start;
  }

  /** Advances virtual time to `target`, firing every event on the way; stops early when `stop()` holds. */
  async runTo(target: bigint, stop?: () => boolean): Promise<boolean> {
    if (this.closed) throw new Error('the world is closed');
    this.settledAt = null; // a step may have started I/O that has not written yet
    if (!this.pacer) return this.runFree(target, stop);
    // An outside broker answers in real time: virtual time may not run ahead of the wall clock.
    this.pacer.origin ??= { wallMs: realNow(), ns: this.clock.nowNs() };
    for (;;) {
      const wallNs = this.pacer.origin.ns + BigInt(Math.floor((realNow() - this.pacer.origin.wallMs) * 1e6));
      const step = wallNs < target ? wallNs : target;
      if (await this.runFree(step > this.clock.nowNs() ? step : this.clock.nowNs(), stop)) return true;
      if (step >= target) return false;
      await new Promise<void>((r) => realSetTimeout(r, PACE_TICK_MS));
    }
  }

  private async runFree(target: bigint, stop?: () => boolean): Promise<boolean> {
    for (;;) {
      for (const hook of this.turnHooks) hook();
      this.fireDue();
      await this.settle(true);
      if (stop?.()) return true;
      const avrIdle = this.avr.isIdle(); // asked once per turn: for a polling firmware it compares register state
      const next = this.nextEventNs(avrIdle);
      let limit = next === null || next > target ? target : next;
      // While a predicate waits, a firmware that never idles runs in slices, so a relay
      // change is seen within AVR_SLICE_NS of when it happened (its trace time is exact).
      if (stop && limit > this.clock.nowNs() + AVR_SLICE_NS) limit = this.clock.nowNs() + AVR_SLICE_NS;
      if (!avrIdle && this.runAvrAhead(limit)) {
        await this.settle(true);
        if (stop?.()) return true;
        continue;
      }
      if (next === null || next > target) {
        if (this.clock.nowNs() < target) this.clock.advanceTo(target);
        this.fireDue();
        await this.settle(true);
        return stop?.() ?? false;
      }
      if (next > this.clock.nowNs()) this.clock.advanceTo(next);
    }
  }

  // ---- ScenarioContext ----

  nowNs(): bigint {
    return this.clock.nowNs();
  }

  async runFor(ns: bigint): Promise<void> {
    await this.runTo(this.clock.nowNs() + ns);
  }

  runUntil(pred: () => boolean, timeoutNs: bigint): Promise<boolean> {
    return this.runTo(this.clock.nowNs() + timeoutNs, pred);
  }

  serialLines(): readonly { tNs: bigint; text: string }[] {
    return this.serial.all;
  }

  nodeEvents(): readonly { tNs: bigint; what: string; detail?: Record<string, unknown> }[] {
    return this.events.all;
  }

  mqttSeen(): readonly { tNs: bigint; topic: string; payload: Buffer; from: string }[] {
    return this.seen.all;
  }

  forgetHistory(): void {
    this.serial.forget();
    this.events.forget();
    this.seen.forget();
  }

  /** Whether serialLines(), nodeEvents() and mqttSeen() record at all: off where no scenario step can ask (serve, replay). */
  keepHistory(on: boolean): void {
    this.serial.keep(on);
    this.events.keep(on);
    this.seen.keep(on);
  }

  async publish(topic: string, payload: Buffer, opts: { qos: 0 | 1 | 2; retain: boolean }): Promise<void> {
    let done = false;
    let failure: unknown = null;
    this.operator.publish(topic, payload, opts).then(
      () => (done = true),
      (e) => {
        failure = e;
        done = true;
      },
    );
    // The operator's TLS handshake and PUBACK need the world to keep running.
    await this.runUntil(() => done, 30_000_000_000n);
    if (failure) throw failure;
    if (!done) throw new Error(`operator could not publish to ${topic} within 30 s of virtual time`);
  }

  relaysOn(): number[] {
    this.wires.syncAvr(this.clock.nowNs());
    return this.avr.relays.energised();
  }

  pin(chip: 'avr' | 'esp', name: string): 0 | 1 | undefined {
    if (chip === 'esp') {
      const m = /^GPIO(\d+)$/i.exec(name);
      if (!m) return undefined;
      const n = Number(m[1]);
      if (n > 16) return undefined;
      return this.espPins.get(n) ?? this.esp.digitalRead(n);
    }
    if (/^RESET$/i.test(name)) return this.avr.inReset ? 0 : 1;
    const m = /^P([BCD])([0-7])$/i.exec(name);
    if (!m) return undefined;
    this.wires.syncAvr(this.clock.nowNs());
    const port = { B: this.avr.portB, C: this.avr.portC, D: this.avr.portD }[m[1]!.toUpperCase() as 'B' | 'C' | 'D'];
    const state = port.pinState(Number(m[2]));
    // PinState: Low 0, High 1, Input 2, InputPullUp 3. An input reads the external level; unconnected inputs read high.
    if (state === 0) return 0;
    if (m[1]!.toUpperCase() === 'B' && m[2] === '2') return this.wires.lastSsLevel();
    return 1;
  }

  lastSpi(): { mosi: number[]; miso: number[]; tNs: bigint } | null {
    const e = this.wires.lastSpi();
    return e ? { mosi: e.bytes.map((b) => b.mosi), miso: e.bytes.map((b) => b.miso), tNs: e.t } : null;
  }

  setUtc(utcMs: number): void {
    this.clock.setUtc(utcMs);
    this.nodeEvent('set-clock', { utc: new Date(utcMs).toISOString() });
  }

  advanceUtc(ns: bigint): void {
    this.clock.advanceUtc(ns);
    this.nodeEvent('advance-clock', { utc: new Date(this.clock.utcMs()).toISOString() });
  }

  wifi(up: boolean): void {
    this.net.setWifi(up);
  }

  ntp(answer: boolean): void {
    this.net.ntpResponds = answer;
    this.nodeEvent(answer ? 'ntp-answering' : 'ntp-withheld');
  }

  async broker(action: 'stop' | 'start' | 'restart'): Promise<void> {
    this.nodeEvent(`broker-${action}`);
    await this.mqttBroker[action]();
    await this.settle();
  }

  async espReset(): Promise<void> {
    this.nodeEvent('esp-power-cycle');
    this.esp.powerOff();
    this.esp.powerOn();
    await this.settle();
  }

  otaSigningKeyPem(): string {
    return this.config.operator.otaSigningKeyPem;
  }

  async avrReset(): Promise<void> {
    const back = this.wires.pulseReset(this.clock.nowNs());
    await this.runTo(back);
  }

  step(e: { index: number; step: string; status: 'start' | 'pass' | 'fail'; message?: string; scenario: string }): void {
    this.emit({ kind: 'step', t: this.clock.nowNs(), scenario: e.scenario, index: e.index, step: e.step, status: e.status, ...(e.message ? { message: e.message } : {}) });
  }

  /** True once the broker has acknowledged all three of the node's subscriptions on its current connection. */
  nodeSubscribed(): boolean {
    // An outside broker's SUBACKs are inside the node's TLS: its three QoS 0 SUBSCRIBEs leave with the
    // CONNACK's pass of loop(), so a session up for a round trip's worth of time is listening.
    if (this.config.outsideBroker) return this.outsideConnectedAt !== null && this.clock.nowNs() - this.outsideConnectedAt >= OUTSIDE_SUBSCRIBE_NS;
    return this.nodeSubacks >= NODE_TOPICS;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.operator.close().catch(() => undefined);
      await this.mqttBroker.stop().catch(() => undefined);
      await this.net.tcp?.close();
      await this.settle();
    } finally {
      this.clock.uninstallLibraryTimers();
    }
  }
}
