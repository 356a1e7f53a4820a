// time() and the lwIP SNTP client started by configTime().
import type { NtpServer } from '../contract.ts';
import type { Cpu, TimerHandle } from './cpu.ts';

/** SNTP_RECV_TIMEOUT (lwIP sntp_opts.h): no answer in 15 s → ask the next server. */
export const SNTP_RECV_TIMEOUT_MS = 15_000;
/** SNTP_UPDATE_DELAY (ESP8266 lwip2 glue default): re-poll hourly after a good answer. */
export const SNTP_UPDATE_DELAY_MS = 3_600_000;
/** SNTP_MAX_SERVERS in the ESP8266 lwip2 build. */
export const SNTP_MAX_SERVERS = 3;

export class SystemTime {
  private syncUtcMs: number | null = null;
  private syncNs = 0n;

  constructor(private readonly cpu: Cpu) {}

  /** time(nullptr): seconds since the epoch; counts from 0 at boot until SNTP sets it. */
  time(): number {
    const now = this.cpu.now();
    if (this.syncUtcMs === null) return Number((now - this.cpu.bootNs) / 1_000_000_000n);
    const ms = BigInt(this.syncUtcMs) + (now - this.syncNs) / 1_000_000n;
    return Number(ms / 1000n);
  }

  /** First instant at which time() reads at least `seconds`. */
  nsAtTime(seconds: number): bigint {
    if (this.syncUtcMs === null) return this.cpu.bootNs + BigInt(seconds) * 1_000_000_000n;
    const deltaMs = BigInt(seconds) * 1000n - BigInt(this.syncUtcMs);
    return this.syncNs + (deltaMs > 0n ? deltaMs : 0n) * 1_000_000n;
  }

  settimeofday(utcMs: number): void {
    this.syncUtcMs = Math.floor(utcMs);
    this.syncNs = this.cpu.now();
  }

  get isSet(): boolean {
    return this.syncUtcMs !== null;
  }
}

export class SntpClient {
  private servers: string[] = [];
  private current = 0;
  private timer: TimerHandle | null = null;
  private generation = 0;

  constructor(
    private readonly cpu: Cpu,
    private readonly ntp: NtpServer,
    private readonly clock: SystemTime,
    /** Without an IP the UDP send fails; lwIP just waits for the receive timeout. */
    private readonly linkUp: () => boolean = () => true,
  ) {}

  /** configTime(0, 0, s1, s2, s3): set the servers and start polling at once (startup delay 0). */
  configTime(_tzSec: number, _dstSec: number, ...servers: (string | undefined)[]): void {
    this.servers = servers.filter((s): s is string => !!s).slice(0, SNTP_MAX_SERVERS);
    this.current = 0;
    this.cpu.clearTimer(this.timer);
    if (this.servers.length) this.request();
  }

  get serverList(): readonly string[] {
    return this.servers;
  }

  private request(): void {
    this.cpu.clearTimer(this.timer);
    const gen = ++this.generation;
    const server = this.servers[this.current]!;
    // lwIP sntp_send_request(): arm the receive timeout, then send.
    this.timer = this.cpu.setTimer(this.cpu.nsAfterMillis(SNTP_RECV_TIMEOUT_MS), () => this.tryNextServer());
    if (!this.linkUp()) return;
    this.ntp.request(server, (utcMs) => {
      if (gen !== this.generation || this.cpu.isHalted) return; // late answer to an abandoned request
      if (!Number.isFinite(utcMs)) throw new TypeError(`NtpServer ${server} replied with a non-finite time: ${utcMs}`);
      this.generation++;
      this.clock.settimeofday(utcMs);
      this.cpu.clearTimer(this.timer);
      this.timer = this.cpu.setTimer(this.cpu.nsAfterMillis(SNTP_UPDATE_DELAY_MS), () => this.request());
      this.cpu.signal();
    });
  }

  /** lwIP sntp_try_next_server(): rotate to the next configured server and ask at once. */
  private tryNextServer(): void {
    this.timer = null;
    this.current = (this.current + 1) % this.servers.length;
    this.request();
  }
}
