// The short soak CI runs: a few virtual days of random commands and faults on one
// node (pnpm soak runs a month). The seed is printed; SOAK_SEED repeats a run.
import { describe, expect, it } from 'vitest';
import { FLAT_HEAP_MB, runSoak } from './soak.ts';

describe('soak (short)', () => {
  it('a few virtual days of random commands and faults keep the invariants and a flat heap', async () => {
    const seed = Number(process.env.SOAK_SEED ?? 20261130);
    const r = await runSoak({ days: Number(process.env.SOAK_DAYS ?? 3), seed });
    console.log(`soak: ${JSON.stringify(r)}`);
    expect(r.virtualDays).toBeGreaterThanOrEqual(3);
    expect(r.commands).toBeGreaterThan(10);
    expect(r.heapEndMb - r.heapAfterDayMb).toBeLessThan(FLAT_HEAP_MB);
  }, 600_000);
});
