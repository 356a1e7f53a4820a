import { describe, expect, it } from 'vitest';
import type { CapturedPacket } from '../capture/types.ts';
import { planReplay, type ReplayPlan } from './plan.ts';
import { FakeWorld } from '../../test/capture/fake-world.ts';
import { runReplay } from './run.ts';

const S = 1_000_000_000n;
const MS = 1_000_000n;

function planOf(cmds: [number, string, (0 | 1 | 2)?][], opts = {}): ReplayPlan {
  const start = 1_000n * S;
  const packets = cmds.map(([tS, payload, qos = 0], index): CapturedPacket => ({
    index, tNs: start + BigInt(tS * 1000) * MS, dir: 'to-broker', conn: 1, clientId: 'operator',
    packet: { cmd: 'publish', topic: 'irrigation/zone/on', payload: Buffer.from(payload), qos, retain: false, dup: false },
    raw: Buffer.alloc(0), where: `frame ${index + 1}`,
  }));
  return planReplay({ packets, startNs: start }, opts);
}

describe('runReplay', () => {
  it('publishes each command at its offset after the subscription and returns the relay timeline', async () => {
    const w = new FakeWorld();
    const seen: string[] = [];
    const r = await runReplay(w, planOf([[100, '2 120'], [110, '5 30', 1], [120, '5 0', 2]]), {
      onCommand: (c, i, t) => seen.push(`${i} ${c.payload} @${t}`),
    });
    const t0 = 7n * S + 250n * MS;
    expect(r.subscribedAtNs).toBe(t0);
    expect(w.published).toEqual([
      { tNs: t0, topic: 'irrigation/zone/on', payload: '2 120', qos: 0, retain: false },
      { tNs: t0 + 10n * S, topic: 'irrigation/zone/on', payload: '5 30', qos: 1, retain: false },
      { tNs: t0 + 20n * S, topic: 'irrigation/zone/on', payload: '5 0', qos: 2, retain: false },
    ]);
    expect(seen).toEqual([`0 2 120 @${t0}`, `1 5 30 @${t0 + 10n * S}`, `2 5 0 @${t0 + 20n * S}`]);
    expect(r.timeline).toEqual([{ t: 2_000_000n, on: [2] }, { t: 10_002_000_000n, on: [5] }, { t: 20_002_000_000n, on: [] }]);
    // Settles until the longest timer ("2 120", from offset 0) has expired, plus 1 s.
    expect(r.endNs).toBe(t0 + 121n * S);
    expect(r.events[0]).toEqual({ tNs: 500n * MS, on: [] });
  });

  it('follows a zone timer to its end', async () => {
    const r = await runReplay(new FakeWorld(), planOf([[0, '3 45']]));
    expect(r.timeline).toEqual([{ t: 2_000_000n, on: [3] }, { t: 45_002_000_000n, on: [] }]);
  });

  it('keeps stepping while a relay is still on after the timers should have expired', async () => {
    const w = new FakeWorld({ timerLagNs: 4n * S + 500n * MS });
    const r = await runReplay(w, planOf([[0, '1 10']]));
    expect(r.timeline).toEqual([{ t: 2_000_000n, on: [1] }, { t: 14_502_000_000n, on: [] }]);
    expect(r.endNs - r.subscribedAtNs).toBe(15n * S); // deadline 11 s, then 1 s steps until off
  });

  it('stops at the settle cap (default 1 h) with a relay still on', async () => {
    const r = await runReplay(new FakeWorld(), planOf([[0, '4 7200']]));
    expect(r.timeline).toEqual([{ t: 2_000_000n, on: [4] }]);
    expect(r.endNs - r.subscribedAtNs).toBe(3600n * S);
    const capped = await runReplay(new FakeWorld(), planOf([[0, '4 7200']]), { maxSettleNs: 60n * S });
    expect(capped.endNs - capped.subscribedAtNs).toBe(60n * S);
  });

  it('runs a fixed settle period when asked', async () => {
    const r = await runReplay(new FakeWorld(), planOf([[0, '2 120'], [5, '2 0']]), { settle: 30n * S });
    expect(r.endNs - r.subscribedAtNs).toBe(35n * S);
    expect(r.timeline).toEqual([{ t: 2_000_000n, on: [2] }, { t: 5_002_000_000n, on: [] }]);
  });

  it('honours the plan\'s speed', async () => {
    const w = new FakeWorld();
    await runReplay(w, planOf([[0, '2 120'], [60, '2 0']], { speed: 60 }));
    expect(w.published.map((p) => p.tNs - 7n * S - 250n * MS)).toEqual([0n, 1n * S]);
  });

  it('with no commands, returns an empty timeline right after the subscription plus slack', async () => {
    const r = await runReplay(new FakeWorld(), planOf([]));
    expect(r.timeline).toEqual([]);
    expect(r.endNs - r.subscribedAtNs).toBe(1n * S);
  });

  it('passes on a subscription timeout', async () => {
    await expect(runReplay(new FakeWorld({ subscribedAtNs: 900n * S }), planOf([[0, '1 1']]))).rejects.toThrow('node not subscribed after 600000000000 ns');
    await expect(runReplay(new FakeWorld({ subscribedAtNs: 900n * S }), planOf([[0, '1 1']]), { subscribeTimeoutNs: 1000n * S })).resolves.toBeTruthy();
  });

  it('rejects negative settle periods', async () => {
    await expect(runReplay(new FakeWorld(), planOf([]), { settle: -1n })).rejects.toThrow('settle period must be >= 0 ns, got -1');
  });
});
