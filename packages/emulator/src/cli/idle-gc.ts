// One full garbage collection when a long-running command goes quiet after taking
// in a lot of data. V8 collects when allocation asks it to, never because a
// process is idle: after a flood of large PUBLISHes the payload Buffers are
// garbage, but until the next collection their external memory keeps glibc's
// heap (and so the process's RSS) up, indefinitely if serve then stays idle.
// mosquitto frees each packet as soon as it has handled it. On the next look the
// collection is followed by glibc's malloc_trim (native/malloc-trim.ts): V8 has
// then returned the Buffers' memory to glibc (part of it from its sweeper thread,
// after gc() returned), and the trim hands glibc's free pages back to the system,
// which V8's collection alone does not. This runs on the wall
// clock only (an unref'd timer that never keeps the process alive) and touches
// nothing the world sees, so virtual time and every output stay as they were.
import v8 from 'node:v8';
import vm from 'node:vm';
import { realNow, realSetTimeout } from '../world/clock.ts';
import { loadMallocTrim, trimMalloc } from '../native/malloc-trim.ts';

/** Data taken in since the last collection that makes one worth running. */
export const IDLE_GC_INTAKE_BYTES = 64 * 1024 * 1024;
/** Wall time without client data after which the process counts as quiet. */
export const IDLE_GC_QUIET_MS = 1000;
/** How often the wall-clock timer looks. */
export const IDLE_GC_POLL_MS = 250;

let exposed: (() => void) | null = null;

/**
 * V8's full collection without `node --expose-gc`: the flag set at run time
 * exposes `gc` in contexts created afterwards (Node 20, no warning printed).
 */
export function fullGc(): () => void {
  if (!exposed) {
    v8.setFlagsFromString('--expose-gc');
    exposed = vm.runInNewContext('gc') as () => void;
  }
  return exposed;
}

export interface IdleCollection {
  /** Bytes taken in since the previous collection (the larger of client data and external-memory growth). */
  intakeBytes: number;
  /** Bytes the trim after the collection gave back to the system (the fall of the process's RSS). */
  trimmedBytes?: number;
  /** On the first collection only, when there is no trim: why (freed memory then stays with the process). */
  trimUnavailable?: string;
}

/** What a collection did, in words: `garbage collected, 150 MiB returned to the system`. */
export function collectedText(c: IdleCollection): string {
  if (c.trimmedBytes !== undefined) return `garbage collected, ${Math.round(c.trimmedBytes / 2 ** 20)} MiB returned to the system`;
  if (c.trimUnavailable !== undefined) return `garbage collected (freed memory stays with the process: ${c.trimUnavailable})`;
  return 'garbage collected';
}

/** Gives freed memory back to the system (returns the bytes), or why that cannot be done here. */
export type MemoryTrim = { release: () => number } | { unavailable: string };

/** glibc's malloc_trim through the native addon, where it was built and loads. */
export function mallocTrim(): MemoryTrim {
  const load = loadMallocTrim();
  return load.ok ? { release: () => trimMalloc(load.addon) } : { unavailable: load.reason };
}

interface Timer {
  unref(): unknown;
}

export interface IdleGcOptions {
  gc?: () => void;
  onCollect?: (c: IdleCollection) => void;
  thresholdBytes?: number;
  quietMs?: number;
  /** Wall-clock milliseconds. */
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => Timer;
  /** Memory outside V8's heap (Buffers), in bytes. */
  external?: () => number;
  /** Run one look (IDLE_GC_POLL_MS) after each collection; glibc's malloc_trim by default. */
  trim?: MemoryTrim;
}

export class IdleGc {
  private readonly gc: () => void;
  private readonly thresholdBytes: number;
  private readonly quietMs: number;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => Timer;
  private readonly external: () => number;
  private readonly trim: MemoryTrim;
  private intake = 0;
  /** A collection ran on the previous look and is reported, after the trim, on this one. */
  private collected: IdleCollection | null = null;
  private trimReasonSaid = false;
  /** Lowest external memory seen since the last collection: V8's own collections lower it. */
  private externalLow: number;
  private lastInput = -Infinity;
  private stopped = false;

  constructor(private readonly opts: IdleGcOptions = {}) {
    this.gc = opts.gc ?? fullGc();
    this.thresholdBytes = opts.thresholdBytes ?? IDLE_GC_INTAKE_BYTES;
    this.quietMs = opts.quietMs ?? IDLE_GC_QUIET_MS;
    this.now = opts.now ?? realNow;
    this.setTimer = opts.setTimer ?? realSetTimeout;
    this.external = opts.external ?? (() => process.memoryUsage().external);
    this.trim = opts.trim ?? mallocTrim();
    this.externalLow = this.external();
  }

  /** Starts looking every IDLE_GC_POLL_MS of wall time. */
  start(): void {
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
  }

  /** A client sent `bytes` of data. */
  taken(bytes: number): void {
    this.intake += bytes;
    this.lastInput = this.now();
  }

  /**
   * Collects if enough came in and the process has been quiet long enough; true when it did.
   * The look after a collection trims and reports it (onCollect).
   */
  check(): boolean {
    if (this.collected) this.trimAndReport(this.collected);
    const external = this.external();
    this.externalLow = Math.min(this.externalLow, external);
    const intakeBytes = Math.max(this.intake, external - this.externalLow);
    if (intakeBytes <= this.thresholdBytes || this.now() - this.lastInput < this.quietMs) return false;
    this.gc();
    this.intake = 0;
    this.externalLow = this.external();
    this.collected = { intakeBytes };
    return true;
  }

  private trimAndReport(c: IdleCollection): void {
    this.collected = null;
    if ('release' in this.trim) c.trimmedBytes = this.trim.release();
    else if (!this.trimReasonSaid) {
      this.trimReasonSaid = true;
      c.trimUnavailable = this.trim.unavailable;
    }
    this.opts.onCollect?.(c);
  }

  private schedule(): void {
    if (this.stopped) return;
    const timer = this.setTimer(() => {
      if (this.stopped) return;
      this.check();
      this.schedule();
    }, IDLE_GC_POLL_MS);
    timer.unref();
  }
}
