// The board the emulator drives: boots the sketch, exposes its wake-ups, pins and serial.
import type { Duplex } from 'node:stream';
import type { EspOptions } from './contract.ts';
import { BOARD_PULL_UPS, checkGpioPin, type Level } from './core/gpio.ts';
import type { SerialLine } from './core/serial.ts';
import { Machine, type EspEvent } from './machine.ts';
import { FlashFs } from './core/flash-fs.ts';
import { pemCertificates } from './bearssl/x509.ts';

const U32_LIMIT = 2 ** 32;

export interface ZoneSnapshot {
  zone: number;
  on: boolean;
  remainingMs: number;
}

export interface EspSnapshot {
  millis: number;
  freeHeap: number;
  mqttState: number;
  zones: ZoneSnapshot[];
  wifiStatus: number;
  time: number;
  lastSSLError: number;
  boots: number;
}

export class Esp8266 {
  private machine: Machine | null = null;
  private readonly external = new Map<number, Level>();
  /** The ESP's flash file system: survives restarts and power loss. */
  private readonly flash = new FlashFs();
  /** Levels this boot's GPIO changes put on the wires. */
  private readonly driven = new Map<number, Level>();
  private readonly activityCbs: (() => void)[] = [];
  private readonly serialCbs: ((line: SerialLine) => void)[] = [];
  private readonly gpioCbs: ((pin: number, level: Level, tNs: bigint) => void)[] = [];
  private readonly eventCbs: ((e: EspEvent) => void)[] = [];
  private readonly faultList: string[] = [];
  private bootCount = 0;
  private readonly restartReasons: string[] = [];

  constructor(private readonly opts: EspOptions) {
    const m = opts.millisAtBoot ?? 0;
    if (!Number.isInteger(m) || m < 0 || m >= U32_LIMIT) {
      throw new RangeError(`EspOptions.millisAtBoot must be an integer in 0..2^32-1, got ${m}`);
    }
    for (const k of ['ssid', 'brokerHost', 'caPem', 'certPem', 'keyPem'] as const) {
      if (typeof opts.sketch?.[k] !== 'string' || !opts.sketch[k]) {
        throw new TypeError(`EspOptions.sketch.${k} must be a non-empty string`);
      }
    }
    const mhz = opts.sketch.cpuMhz;
    if (mhz !== undefined && mhz !== 80 && mhz !== 160) throw new RangeError(`EspOptions.sketch.cpuMhz must be 80 or 160, got ${mhz}`);
    const port = opts.sketch.brokerPort;
    if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
      throw new RangeError(`EspOptions.sketch.brokerPort must be 1..65535, got ${port}`);
    }
    // The sketch would only find out in setup(); a configuration error should stop the caller now.
    pemCertificates(opts.sketch.caPem, 'EspOptions.sketch.caPem');
    pemCertificates(opts.sketch.certPem, 'EspOptions.sketch.certPem');
    if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(opts.sketch.keyPem)) {
      throw new Error('EspOptions.sketch.keyPem: no PEM PRIVATE KEY block found');
    }
  }

  /** Boot: setup() then loop(), cooperatively in virtual time. */
  powerOn(): void {
    if (this.machine) throw new Error('Esp8266.powerOn(): already powered on');
    this.boot(BigInt(this.opts.millisAtBoot ?? 0), 'power-on');
  }

  /** Power removed: sockets close, the sketch stops; powerOn() cold-boots again. */
  powerOff(): void {
    const m = this.machine;
    if (!m) return;
    this.machine = null;
    m.shutdown();
    this.releasePins(m);
    this.activity();
  }

  /**
   * Without power or in reset every GPIO is an input: a wire the old boot drove goes to the level
   * a pull-up or another driver gives it (GPIO4: RESET back high). A wire nothing else holds
   * floats; it is left at its last level.
   */
  private releasePins(old: Machine): void {
    const t = old.cpu.now();
    for (const [pin, level] of this.driven) {
      const idle = this.external.get(pin) ?? (BOARD_PULL_UPS.has(pin) ? 1 : undefined);
      if (idle !== undefined && idle !== level) this.gpioCbs.forEach((cb) => cb(pin, idle, t));
    }
    this.driven.clear();
  }

  private boot(millisAtBoot: bigint, reason: string): void {
    this.bootCount++;
    const m = new Machine(this.opts, this.opts.clock.nowNs(), millisAtBoot, this.external, this.flash, {
      activity: () => this.activity(),
      serial: (line) => this.serialCbs.forEach((cb) => cb(line)),
      gpio: (pin, level, tNs) => {
        this.driven.set(pin, level);
        this.gpioCbs.forEach((cb) => cb(pin, level, tNs));
      },
      restart: (reason) => this.restart(m, reason),
      event: (e) => this.emitEvent(e),
      fault: (err) => {
        this.faultList.push(err.stack ?? err.message);
        this.serialCbs.forEach((cb) => cb({ tNs: m.cpu.now(), text: `Fatal exception: ${err.message}` }));
        m.shutdown();
        this.activity();
      },
    });
    this.machine = m;
    this.emitEvent({ tNs: m.cpu.now(), what: 'esp-boot', detail: { boot: this.bootCount, reason, freeHeap: m.heap.getFreeHeap() } });
    void m.run();
    this.activity();
  }

  /** ESP.restart(): a clean boot, millis() from 0, time() unset, heap full again. */
  private restart(old: Machine, reason: string): void {
    if (this.machine !== old) return;
    old.shutdown();
    this.releasePins(old);
    this.restartReasons.push(reason);
    this.boot(0n, reason);
  }

  private activity(): void {
    for (const cb of this.activityCbs) cb();
  }

  nextWakeNs(): bigint | null {
    return this.machine?.cpu.nextWakeNs() ?? null;
  }

  poll(): void {
    this.machine?.cpu.poll();
  }

  onActivity(cb: () => void): void {
    this.activityCbs.push(cb);
  }

  onSerial(cb: (line: SerialLine) => void): void {
    this.serialCbs.push(cb);
  }

  /** Trace events of the model (boot, free heap, connect failures); never serial text. */
  onEvent(cb: (e: EspEvent) => void): void {
    this.eventCbs.push(cb);
  }

  private emitEvent(e: EspEvent): void {
    for (const cb of this.eventCbs) cb(e);
  }

  onGpio(cb: (pin: number, level: Level, tNs: bigint) => void): void {
    this.gpioCbs.push(cb);
  }

  digitalRead(pin: number): Level {
    checkGpioPin(pin, 'Esp8266.digitalRead');
    if (this.machine) return this.machine.gpio.level(pin);
    return this.external.get(pin) ?? (BOARD_PULL_UPS.has(pin) ? 1 : 0);
  }

  /** Drive an input from outside (GPIO5, the AVR request line). */
  setInput(pin: number, level: Level): void {
    checkGpioPin(pin, 'Esp8266.setInput');
    if (level !== 0 && level !== 1) throw new RangeError(`Esp8266.setInput(GPIO${pin}): level must be 0 or 1, got ${level}`);
    this.external.set(pin, level);
    this.machine?.cpu.signal();
  }

  /** A TCP connection to the ISP port (ESP8266AVRISP); refused when the sketch has no ISP server. */
  acceptIspClient(stream: Duplex): void {
    if (!this.machine?.ota?.acceptIspClient(stream)) stream.destroy();
  }

  linkLost(): void {
    this.machine?.wifi.linkLost();
  }

  /** Why each ESP.restart() happened, oldest first. */
  restarts(): readonly string[] {
    return this.restartReasons;
  }

  /** Unexpected model errors (each also printed on Serial as "Fatal exception"). */
  faults(): readonly string[] {
    return this.faultList;
  }

  snapshot(): EspSnapshot {
    const m = this.machine;
    if (!m) throw new Error('Esp8266.snapshot(): not powered on');
    const now = m.cpu.millis();
    return {
      millis: now,
      freeHeap: m.heap.getFreeHeap(),
      mqttState: m.pubsub.state(),
      zones: m.sketch.zones.zones.map((z, zone) => ({
        zone,
        on: z.on,
        remainingMs: z.on ? (z.timer.remaining(now) ?? 0) : 0,
      })),
      wifiStatus: m.wifi.status(),
      time: m.time.time(),
      lastSSLError: m.client.getLastSSLError(),
      boots: this.bootCount,
    };
  }
}
