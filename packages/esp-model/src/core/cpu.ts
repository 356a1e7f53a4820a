// The ESP8266's view of virtual time and its single cooperative thread.
// The sketch runs as async code; every call that blocks on the device (delay,
// waitForConnectResult, TLS handshake, CONNACK wait) awaits `block()`, which
// parks the sketch until a condition holds or a virtual deadline passes.

const NS_PER_MS = 1_000_000n;
const NS_PER_US = 1_000n;
const U32 = 0xffff_ffffn;

/** Thrown by ESP.restart(): unwinds the sketch; the board reboots it. */
export class RestartSignal extends Error {
  constructor(readonly reason: string) {
    super(`ESP.restart(): ${reason}`);
  }
}

interface Waiter {
  ready: () => boolean;
  deadlineNs: () => bigint | null;
  resolve: (ready: boolean) => void;
}

interface Timer {
  atNs: bigint;
  seq: number;
  fn: () => void;
}

export type TimerHandle = number;

export class Cpu {
  private cursorNs: bigint;
  private waiter: Waiter | null = null;
  private running = false;
  private timers: Timer[] = [];
  private timerSeq = 0;
  private halted = false;
  private dirty = false;
  /**
   * millis64() at the CPU time `msOf`, the first instant of that millisecond and its 32-bit
   * millis(): the sketch and the world ask several times per world turn, at one instant, and
   * each BigInt result would otherwise be a new heap number.
   */
  private msOf = -1n;
  private ms64 = 0n;
  private msStartNs = 0n;
  private ms32 = 0;

  constructor(
    private readonly clock: { nowNs(): bigint },
    readonly bootNs: bigint,
    private readonly millisAtBoot: bigint,
    private readonly onActivity: () => void,
  ) {
    this.cursorNs = bootNs;
  }

  /** CPU time: world time, or later if the CPU itself spent time (SPI transfers). */
  now(): bigint {
    const w = this.clock.nowNs();
    if (w > this.cursorNs) this.cursorNs = w;
    return this.cursorNs;
  }

  /** Busy time spent by the CPU (e.g. clocking SPI bits out). */
  advance(ns: bigint): void {
    this.cursorNs = this.now() + ns;
  }

  millis64(): bigint {
    this.atMillis();
    return this.ms64;
  }

  /** Arduino millis(): unsigned 32-bit, wraps after 49.7 days. */
  millis(): number {
    this.atMillis();
    return this.ms32;
  }

  /** Brings millis64() and what follows from it up to now(). */
  private atMillis(): void {
    const now = this.now();
    if (now === this.msOf) return;
    this.msOf = now;
    this.ms64 = this.millisAtBoot + (now - this.bootNs) / NS_PER_MS;
    this.msStartNs = this.nsAtMillis64(this.ms64);
    this.ms32 = Number(this.ms64 & U32);
  }

  /** Arduino micros(): unsigned 32-bit, wraps after 71.6 minutes. */
  micros(): number {
    return Number((this.millisAtBoot * 1000n + (this.now() - this.bootNs) / NS_PER_US) & U32);
  }

  /** First instant at which millis64() reads `m`. */
  nsAtMillis64(m: bigint): bigint {
    return this.bootNs + (m - this.millisAtBoot) * NS_PER_MS;
  }

  /** First instant at which millis() has advanced `ms` past its current value. */
  nsAfterMillis(ms: number): bigint {
    this.atMillis();
    const whole = Math.max(0, Math.ceil(ms));
    // nsAtMillis64(millis64() + whole), from the start of the current millisecond.
    return whole === 0 ? this.msStartNs : this.msStartNs + BigInt(whole) * NS_PER_MS;
  }

  get isHalted(): boolean {
    return this.halted;
  }

  /**
   * Park the sketch until `ready()` holds (checked whenever the world polls or
   * I/O signals) or the deadline passes. Resolves true when ready, false on timeout.
   */
  block(ready: () => boolean, deadlineNs: bigint | null | (() => bigint | null)): Promise<boolean> {
    if (this.halted) return new Promise(() => {}); // a halted CPU never resumes
    if (ready()) return Promise.resolve(true);
    const deadline = typeof deadlineNs === 'function' ? deadlineNs : () => deadlineNs;
    const d = deadline();
    if (d !== null && d <= this.now()) return Promise.resolve(false);
    if (this.waiter) throw new Error('Cpu.block: the sketch is already blocked (two waits at once)');
    return new Promise<boolean>((resolve) => {
      this.waiter = { ready, deadlineNs: deadline, resolve };
      this.running = false;
      this.onActivity();
    });
  }

  /** delay(ms): blocks the sketch; background work (Wi-Fi, SNTP) carries on. */
  async delay(ms: number): Promise<void> {
    const until = this.nsAfterMillis(ms);
    await this.block(() => false, until);
  }

  /** SDK/lwIP background timer: runs from poll() whatever the sketch is doing. */
  setTimer(atNs: bigint, fn: () => void): TimerHandle {
    const t: Timer = { atNs, seq: ++this.timerSeq, fn };
    this.timers.push(t);
    this.timers.sort((a, b) => (a.atNs < b.atNs ? -1 : a.atNs > b.atNs ? 1 : a.seq - b.seq));
    this.onActivity();
    return t.seq;
  }

  clearTimer(h: TimerHandle | null): void {
    if (h === null) return;
    this.timers = this.timers.filter((t) => t.seq !== h);
  }

  /** Mark the sketch as executing (between blocks, until it blocks again). */
  markRunning(): void {
    this.running = true;
  }

  nextWakeNs(): bigint | null {
    if (this.halted) return null;
    const now = this.now();
    let wake: bigint | null = this.timers.length ? this.timers[0]!.atNs : null;
    let sketch: bigint | null = null;
    if (this.running) sketch = now;
    else if (this.waiter) sketch = this.waiter.ready() ? now : this.waiter.deadlineNs();
    if (sketch !== null && (wake === null || sketch < wake)) wake = sketch;
    return wake;
  }

  poll(): void {
    if (this.halted) return;
    const now = this.now();
    while (this.timers.length && this.timers[0]!.atNs <= now && !this.halted) {
      const t = this.timers.shift()!;
      t.fn();
    }
    const w = this.waiter;
    if (!w || this.halted) return;
    const ready = w.ready();
    const d = w.deadlineNs();
    if (ready || (d !== null && d <= now)) {
      this.waiter = null;
      this.running = true;
      w.resolve(ready);
    }
  }

  /** I/O changed something a waiter or the idle loop may be waiting on. */
  signal(): void {
    if (this.halted) return;
    this.dirty = true;
    this.onActivity();
  }

  /**
   * Between loop() passes: the device spins through loop() forever, but a pass only
   * does something when I/O happened or a timer the sketch reported falls due.
   */
  async idle(wakeNs: () => bigint | null): Promise<void> {
    await this.block(this.isDirty, wakeNs);
    this.dirty = false;
  }

  /** idle()'s condition, made once: every loop() pass waits on it. */
  private readonly isDirty = (): boolean => this.dirty;

  /** Power-off or reset: drop every pending wait and timer; stale callbacks become no-ops. */
  halt(): void {
    this.halted = true;
    this.waiter = null;
    this.timers = [];
    this.running = false;
  }
}
