// serve's idle garbage collection: when it collects, and that its timer never holds the process.
import { describe, expect, it } from 'vitest';
import { IDLE_GC_INTAKE_BYTES, IDLE_GC_POLL_MS, IDLE_GC_QUIET_MS, IdleGc, collectedText, fullGc, type IdleCollection, type MemoryTrim } from '../../src/cli/idle-gc.ts';

const MiB = 1024 * 1024;

function rig(external = 100 * MiB, trim?: MemoryTrim) {
  const state = { now: 0, external, gcs: 0, trims: 0, collections: [] as IdleCollection[], timers: [] as { fn: () => void; ms: number; unrefd: boolean }[] };
  const idle = new IdleGc({
    trim: trim ?? { release: () => (state.trims++, 7 * MiB) },
    gc: () => state.gcs++,
    onCollect: (c) => state.collections.push(c),
    now: () => state.now,
    external: () => state.external,
    setTimer: (fn, ms) => {
      const t = { fn, ms, unrefd: false };
      state.timers.push(t);
      return { unref: () => (t.unrefd = true) };
    },
  });
  return { idle, state };
}

describe('IdleGc', () => {
  it('collects once after more than the threshold came in and a quiet period passed', () => {
    const { idle, state } = rig();
    for (let i = 0; i < 80; i++) {
      state.now += 10;
      idle.taken(MiB);
      expect(idle.check()).toBe(false); // data still arriving
    }
    state.now += IDLE_GC_QUIET_MS - 1;
    expect(idle.check()).toBe(false);
    state.now += 1;
    expect(idle.check()).toBe(true);
    expect(state.gcs).toBe(1);
    // Trimmed and reported on the next look, once V8's sweeper has handed the Buffers back to malloc.
    expect(state.trims).toBe(0);
    expect(state.collections).toEqual([]);
    state.now += IDLE_GC_POLL_MS;
    expect(idle.check()).toBe(false);
    expect(state.trims).toBe(1);
    expect(state.collections).toEqual([{ intakeBytes: 80 * MiB, trimmedBytes: 7 * MiB }]);
    // Nothing new came in: no second collection however long it stays quiet.
    state.now += 60_000;
    expect(idle.check()).toBe(false);
    expect(state.gcs).toBe(1);
  });

  it('never collects below the threshold, however quiet', () => {
    const { idle, state } = rig();
    idle.taken(IDLE_GC_INTAKE_BYTES);
    state.external += IDLE_GC_INTAKE_BYTES;
    for (let i = 0; i < 100; i++) {
      state.now += IDLE_GC_QUIET_MS;
      expect(idle.check()).toBe(false);
    }
    expect(state.gcs).toBe(0);
  });

  it('counts external-memory growth since its low point when no client data is counted', () => {
    const { idle, state } = rig();
    state.now = IDLE_GC_QUIET_MS;
    state.external -= 50 * MiB; // V8 collected on its own: the low point moves down
    expect(idle.check()).toBe(false);
    state.external += 60 * MiB;
    expect(idle.check()).toBe(false);
    state.external += 5 * MiB;
    expect(idle.check()).toBe(true);
    idle.check();
    expect(state.collections[0]!.intakeBytes).toBe(65 * MiB);
  });

  it('looks on an unref\'d wall-clock timer until stopped', () => {
    const { idle, state } = rig();
    idle.start();
    expect(state.timers).toHaveLength(1);
    expect(state.timers[0]).toMatchObject({ ms: IDLE_GC_POLL_MS, unrefd: true });
    idle.taken(IDLE_GC_INTAKE_BYTES + 1);
    state.now += IDLE_GC_QUIET_MS;
    state.timers[0]!.fn();
    expect(state.gcs).toBe(1);
    expect(state.timers).toHaveLength(2);
    expect(state.timers[1]!.unrefd).toBe(true);
    idle.stop();
    state.timers[1]!.fn();
    expect(state.timers).toHaveLength(2);
  });

  it('says once why freed memory cannot be given back, and collects as before', () => {
    const { idle, state } = rig(100 * MiB, { unavailable: 'no addon here' });
    for (let round = 0; round < 2; round++) {
      idle.taken(IDLE_GC_INTAKE_BYTES + 1);
      state.now += IDLE_GC_QUIET_MS;
      expect(idle.check()).toBe(true);
      idle.check();
    }
    expect(state.gcs).toBe(2);
    expect(state.collections).toEqual([{ intakeBytes: IDLE_GC_INTAKE_BYTES + 1, trimUnavailable: 'no addon here' }, { intakeBytes: IDLE_GC_INTAKE_BYTES + 1 }]);
    expect(state.collections.map(collectedText)).toEqual(['garbage collected (freed memory stays with the process: no addon here)', 'garbage collected']);
    expect(collectedText({ intakeBytes: 1, trimmedBytes: 150 * MiB })).toBe('garbage collected, 150 MiB returned to the system');
  });

  it('reaches V8\'s full collection without a command-line flag', () => {
    const gc = fullGc();
    expect(typeof gc).toBe('function');
    expect(() => gc()).not.toThrow();
    expect(fullGc()).toBe(gc);
  });
});
