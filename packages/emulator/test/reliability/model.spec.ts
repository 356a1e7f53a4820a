// Generated sequences of operator commands and faults against the whole node.
// A failure prints fast-check's seed and path: MODEL_SEED=<seed> MODEL_PATH=<path>
// pnpm vitest run packages/emulator/test/reliability/model.spec.ts replays it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeCommands, runSequence } from './node-model.ts';

const replay = {
  ...(process.env.MODEL_SEED ? { seed: Number(process.env.MODEL_SEED) } : {}),
  ...(process.env.MODEL_PATH ? { path: process.env.MODEL_PATH } : {}),
};

describe('model-based: the node under random commands and faults', () => {
  it('keeps every invariant (one zone, timers, delivery, reconnection, the AVR-reset hazard)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(nodeCommands(3600), { maxCommands: 10 }), async (cmds) => {
        await runSequence(cmds);
      }),
      { numRuns: Number(process.env.MODEL_RUNS ?? 3), endOnFailure: true, verbose: true, ...replay },
    );
  }, 600_000);

  it('runs byte-identically when repeated with the same seed', async () => {
    const [cmds] = fc.sample(fc.commands(nodeCommands(600), { maxCommands: 8 }), { seed: 17, numRuns: 1 });
    const a = await runSequence(cmds!);
    const [again] = fc.sample(fc.commands(nodeCommands(600), { maxCommands: 8 }), { seed: 17, numRuns: 1 });
    expect(await runSequence(again!)).toBe(a);
  }, 600_000);
});
