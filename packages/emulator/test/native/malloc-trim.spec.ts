// The malloc_trim addon gives a flood's freed memory back to the system. Built by
// pnpm build (a C compiler and glibc); missing locally the test is skipped with
// the reason, under CI=true a missing addon fails.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { fullGc } from '../../src/cli/idle-gc.ts';
import { loadMallocTrim, trimMalloc, type MallocTrimAddon } from '../../src/native/malloc-trim.ts';
import { requirement } from '../capture/tools.ts';

const MiB = 2 ** 20;
const BUFFERS = 200;
const PIN_BYTES = 64 * 1024;
const load = loadMallocTrim();
const built = requirement('malloc_trim addon', load.ok ? undefined : load.reason);

/** The loaded addon: not loaded, the tests are skipped, or under CI fail here. */
function addon(): MallocTrimAddon {
  built.assert();
  return (load as { addon: MallocTrimAddon }).addon;
}

describe.skipIf(built.skip)('malloc_trim addon', () => {
  it('loads', () => {
    const info = addon().info();
    for (const k of ['arena', 'free', 'mmapped', 'topReleasable'] as const) expect(info[k]).toBeGreaterThanOrEqual(0);
    expect(info.arena).toBeGreaterThan(info.free);
  });

  it('returns the pages of freed 1 MB Buffers that glibc kept', async () => {
    const trim = addon();
    const gc = fullGc();
    // One freed 1 MB mmap'd chunk raises glibc's mmap threshold: later ones come from the heap.
    let big: Buffer[] = [Buffer.alloc(MiB, 1)];
    big = [];
    gc();
    await sleep(100);
    // Smaller blocks allocated between them (too large for the free fragments: they come from the
    // heap's top too), still alive, keep the heap from shrinking on its own, as in a flooded serve.
    const pins: Buffer[] = [];
    for (let i = 0; i < BUFFERS; i++) {
      big.push(Buffer.alloc(MiB, i));
      pins.push(Buffer.alloc(PIN_BYTES));
    }
    big = [];
    gc();
    await sleep(300); // V8 frees part of the Buffers from its sweeper thread
    const before = trim.info();
    expect(before.free).toBeGreaterThan((BUFFERS / 2) * MiB);
    const returned = trimMalloc(trim);
    expect(returned).toBeGreaterThan((BUFFERS / 2) * MiB);
    expect(pins).toHaveLength(BUFFERS);
  });
});
