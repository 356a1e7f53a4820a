// The ESP8266's small DRAM heap (umm_malloc): allocations fail instead of growing.

/** Free heap the sketch sees at boot with Wi-Fi up (docs/architecture.md: about 40 KB). */
export const ESP_FREE_HEAP_AT_BOOT = 40 * 1024;

export interface HeapBlock {
  readonly size: number;
  readonly what: string;
  free(): void;
}

export class Heap {
  private freeBytes: number;
  private readonly live = new Set<HeapBlock>();

  constructor(total: number = ESP_FREE_HEAP_AT_BOOT) {
    this.freeBytes = total;
  }

  /** malloc(): null when the heap cannot hold the block (no partial allocation). */
  malloc(size: number, what: string): HeapBlock | null {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`malloc(${size}) for ${what}: bad size`);
    if (size > this.freeBytes) return null;
    this.freeBytes -= size;
    let freed = false;
    const block: HeapBlock = {
      size,
      what,
      free: () => {
        if (freed) return;
        freed = true;
        this.freeBytes += size;
        this.live.delete(block);
      },
    };
    this.live.add(block);
    return block;
  }

  /** ESP.getFreeHeap() */
  getFreeHeap(): number {
    return this.freeBytes;
  }

  blocks(): { what: string; size: number }[] {
    return [...this.live].map((b) => ({ what: b.what, size: b.size }));
  }
}
