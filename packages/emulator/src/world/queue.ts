// The world's own scheduled happenings (NTP replies, network deliveries,
// scenario timeouts): a binary min-heap ordered by time, then insertion order,
// so equal-time events fire in the order they were scheduled (determinism).

interface Entry {
  t: bigint;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export interface Scheduled {
  cancel(): void;
}

export class EventQueue {
  private heap: Entry[] = [];
  private seq = 0;

  schedule(t: bigint, fn: () => void): Scheduled {
    const e: Entry = { t, seq: this.seq++, fn, cancelled: false };
    this.heap.push(e);
    this.up(this.heap.length - 1);
    return { cancel: () => void (e.cancelled = true) };
  }

  peekTime(): bigint | null {
    this.dropCancelled();
    return this.heap.length ? this.heap[0]!.t : null;
  }

  /** Runs every event due at or before t, in order; returns how many ran. */
  runDue(t: bigint): number {
    let n = 0;
    for (;;) {
      this.dropCancelled();
      const top = this.heap[0];
      if (!top || top.t > t) return n;
      this.pop();
      top.fn();
      n++;
    }
  }

  private dropCancelled(): void {
    while (this.heap.length && this.heap[0]!.cancelled) this.pop();
  }

  private less(a: Entry, b: Entry): boolean {
    return a.t < b.t || (a.t === b.t && a.seq < b.seq);
  }

  private pop(): void {
    const last = this.heap.pop()!;
    if (this.heap.length) {
      this.heap[0] = last;
      this.down(0);
    }
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
