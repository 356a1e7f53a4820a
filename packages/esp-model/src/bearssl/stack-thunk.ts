// BearSSL's second stack (ESP8266 core StackThunk.cpp): one shared heap block,
// allocated by the first WiFiClientSecure and freed with the last.
import type { Heap, HeapBlock } from '../core/heap.ts';

/** _stackSize (6200/4) words: "largest stack usage seen in the wild at 6120". */
export const STACK_THUNK_SIZE = 6200;

export class StackThunk {
  private refs = 0;
  private block: HeapBlock | null = null;

  constructor(private readonly heap: Heap) {}

  addRef(): void {
    this.refs++;
    if (this.refs === 1) {
      this.block = this.heap.malloc(STACK_THUNK_SIZE, 'BearSSL stack thunk');
      if (!this.block) throw new Error(`StackThunk malloc(${STACK_THUNK_SIZE}) failed: free heap ${this.heap.getFreeHeap()}`);
    }
  }

  delRef(): void {
    if (this.refs === 0) return;
    this.refs--;
    if (this.refs === 0) {
      this.block?.free();
      this.block = null;
    }
  }

  get refCount(): number {
    return this.refs;
  }
}
