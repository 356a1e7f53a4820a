// A minimal world for board tests: bigint clock, event queue, AP, NTP, SPI log, TLS network.
import type { AccessPoint, JoinResult, NtpServer, SpiBus, SpiTransferTiming } from '../../src/contract.ts';
import { Esp8266 } from '../../src/esp8266.ts';
import type { SerialLine } from '../../src/core/serial.ts';
import type { EspEvent } from '../../src/machine.ts';
import { noteIo, settle } from './io.ts';
import { DEFAULT_UTC_MS, pki } from './pki.ts';
import { TlsNetwork, type TlsNetOptions } from './tls-net.ts';

const MS = 1_000_000n;

export class FakeAp implements AccessPoint {
  up = true;
  ssid = 'irrigation';
  psk = 'secret';
  joins = 0;
  join(ssid: string, psk: string): JoinResult {
    this.joins++;
    if (!this.up || ssid !== this.ssid) return { ok: false, reason: 'no-ap' };
    if (psk !== this.psk) return { ok: false, reason: 'auth' };
    return { ok: true, ip: '10.0.0.23', gateway: '10.0.0.1', dns: '10.0.0.1' };
  }
}

export interface WorldOptions {
  net?: TlsNetOptions;
  millisAtBoot?: number;
  startupTest?: boolean;
  debugLog?: boolean;
  /** UTC at world time 0. */
  utcAtZeroMs?: number;
}

export class FakeWorld {
  nowNs = 0n;
  readonly ap = new FakeAp();
  readonly net: TlsNetwork;
  readonly spi: { mosi: number; t: SpiTransferTiming }[] = [];
  readonly gpio: { pin: number; level: number; tNs: bigint }[] = [];
  readonly serial: SerialLine[] = [];
  readonly events: EspEvent[] = [];
  readonly ntpRequests: { server: string; tNs: bigint }[] = [];
  ntpAnswers = true;
  /** How many times the world woke the ESP (poll calls). */
  polls = 0;
  ntpDelayMs = 25;
  readonly esp: Esp8266;
  private queue: { at: bigint; seq: number; fn: () => void }[] = [];
  private seq = 0;
  private readonly utcAtZeroMs: number;

  constructor(opts: WorldOptions = {}) {
    this.utcAtZeroMs = opts.utcAtZeroMs ?? DEFAULT_UTC_MS;
    this.net = new TlsNetwork(opts.net);
    const spiBus: SpiBus = {
      transfer: (mosi, t) => {
        this.spi.push({ mosi, t });
        return 0;
      },
    };
    const ntp: NtpServer = {
      request: (server, reply) => {
        this.ntpRequests.push({ server, tNs: this.nowNs });
        if (this.ntpAnswers) this.at(this.nowNs + BigInt(this.ntpDelayMs) * MS, () => reply(this.utcMs()));
      },
    };
    this.esp = new Esp8266({
      clock: { nowNs: () => this.nowNs },
      spi: spiBus,
      ap: this.ap,
      ntp,
      net: this.net,
      millisAtBoot: opts.millisAtBoot,
      sketch: {
        ssid: 'irrigation',
        psk: 'secret',
        brokerHost: 'broker.local',
        caPem: pki('ca.crt'),
        certPem: pki('node.crt'),
        keyPem: pki('node.key'),
        startupTest: opts.startupTest,
        debugLog: opts.debugLog,
      },
    });
    this.esp.onActivity(noteIo);
    this.esp.onSerial((l) => this.serial.push(l));
    this.esp.onEvent((e) => this.events.push(e));
    this.esp.onGpio((pin, level, tNs) => this.gpio.push({ pin, level, tNs }));
  }

  utcMs(): number {
    return this.utcAtZeroMs + Number(this.nowNs / MS);
  }

  get ms(): number {
    return Number(this.nowNs / MS);
  }

  at(tNs: bigint, fn: () => void): void {
    this.queue.push({ at: tNs, seq: ++this.seq, fn });
    this.queue.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq));
  }

  /** Advance virtual time, event by event, until `cond` holds (or just for `ms` when no cond). */
  async run(ms: number, cond?: () => boolean): Promise<void> {
    const end = this.nowNs + BigInt(ms) * MS;
    for (let steps = 0; ; steps++) {
      if (steps > 2_000_000) throw new Error('FakeWorld: too many steps');
      await settle();
      if (cond?.()) return;
      const e = this.esp.nextWakeNs();
      const q = this.queue[0]?.at ?? null;
      let w = e;
      if (q !== null && (w === null || q < w)) w = q;
      if (w === null || w > end) {
        if (cond) throw new Error(`FakeWorld: condition not met within ${ms} ms (t=${this.ms} ms)`);
        this.nowNs = end;
        return;
      }
      if (w > this.nowNs) this.nowNs = w;
      while (this.queue.length && this.queue[0]!.at <= this.nowNs) this.queue.shift()!.fn();
      this.esp.poll();
      this.polls++;
    }
  }

  lines(): string[] {
    return this.serial.map((l) => l.text);
  }

  serialAt(re: RegExp): SerialLine | undefined {
    return this.serial.find((l) => re.test(l.text));
  }

  broker() {
    const b = this.net.lastBroker;
    if (!b) throw new Error('no broker connection yet');
    return b;
  }

  /** Run until the node has subscribed to its three topics. */
  async untilSubscribed(ms = 120_000): Promise<void> {
    await this.run(ms, () => (this.net.lastBroker?.count('subscribe') ?? 0) === 3);
  }
}
