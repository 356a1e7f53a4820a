import type { Packet } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import type { CapturedPacket } from '../capture/types.ts';
import { planReplay } from './plan.ts';

const S = 1_000_000_000n;
const START = 1_700_000_000n * S;

function pub(tS: number, clientId: string, topic: string, payload: string, extra: Partial<CapturedPacket> = {}, qos: 0 | 1 | 2 = 0, retain = false): CapturedPacket {
  const packet = { cmd: 'publish', topic, payload: Buffer.from(payload), qos, retain, dup: false } as Packet;
  return { index: 0, tNs: START + BigInt(Math.round(tS * 1e9)), dir: 'to-broker', conn: 1, clientId, packet, raw: Buffer.alloc(0), where: `frame ${tS}`, ...extra };
}
const capture = (packets: CapturedPacket[]) => ({ packets: packets.map((p, index) => ({ ...p, index })), startNs: START });
const show = (plan: ReturnType<typeof planReplay>) => plan.commands.map((c) => `${Number(c.offsetNs) / 1e9}s ${c.topic} "${c.payload}"`);

describe('planReplay', () => {
  const packets = [
    { ...pub(1, 'sec_mqtt_client_00_03', 'irrigation/zone/status', 'alive') }, // the node's own
    pub(2, 'operator', 'irrigation/zone/on', '2 120'),
    pub(2.000_05, 'sec_mqtt_client_00_03', 'irrigation/zone/on', '2 120', { dir: 'from-broker' }), // delivery to the node
    pub(3, 'dashboard', 'weather/now', 'rain'),
    pub(12.5, 'operator', 'irrigation/zone/on', '5 30', {}, 1, true),
    pub(20, '', 'irrigation/zone/off', '5'), // client id unknown (CONNECT not captured): still not the node
  ];

  it('takes PUBLISHes to the node\'s topics from other clients, first one at offset 0', () => {
    const plan = planReplay(capture(packets));
    expect(show(plan)).toEqual(['0s irrigation/zone/on "2 120"', '10.5s irrigation/zone/on "5 30"', '18s irrigation/zone/off "5"']);
    expect(plan.commands[1]).toMatchObject({ qos: 1, retain: true, clientId: 'operator', capturedNs: 12_500_000_000n, packetIndex: 4, where: 'frame 12.5' });
    expect(plan.skipped).toEqual({ fromNode: 1, deliveries: 1, otherTopics: 1, outsideWindow: 0 });
  });

  it('divides gaps by the speed', () => {
    expect(show(planReplay(capture(packets), { speed: 4 }))).toEqual(['0s irrigation/zone/on "2 120"', '2.625s irrigation/zone/on "5 30"', '4.5s irrigation/zone/off "5"']);
  });

  it('--from/--to select by time from the capture start and offsets count from --from', () => {
    const plan = planReplay(capture(packets), { fromNs: 10_000_000_000n, toNs: 20_000_000_000n });
    expect(show(plan)).toEqual(['2.5s irrigation/zone/on "5 30"']);
    expect(plan.skipped.outsideWindow).toBe(2); // 2 s is before, 20 s is not before --to
  });

  it('filters topics with MQTT wildcards and another node id', () => {
    expect(show(planReplay(capture(packets), { topics: ['+/now'] }))).toEqual(['0s weather/now "rain"']);
    expect(show(planReplay(capture(packets), { topics: ['#'], nodeClientId: 'operator' }))).toEqual([
      '0s irrigation/zone/status "alive"', '2s weather/now "rain"', '19s irrigation/zone/off "5"',
    ]);
  });

  it('keeps capture order for commands at the same instant, and sorts by time', () => {
    const same = [pub(5, 'a', 'irrigation/zone/on', '1 1'), pub(5, 'b', 'irrigation/zone/on', '2 2'), pub(4, 'c', 'irrigation/zone/on', '3 3')];
    expect(show(planReplay(capture(same)))).toEqual(['0s irrigation/zone/on "3 3"', '1s irrigation/zone/on "1 1"', '1s irrigation/zone/on "2 2"']);
  });

  it('gives an empty plan for a capture without commands', () => {
    expect(planReplay(capture([packets[0]!])).commands).toEqual([]);
  });

  it.each([
    [{ speed: 0 }, 'speed must be a number > 0, got 0'],
    [{ speed: Number.NaN }, 'speed must be a number > 0, got NaN'],
    [{ fromNs: -1n }, 'from and to must be >= 0, got -1 ns and 0 ns'],
    [{ fromNs: 5_000_000_000n, toNs: 5_000_000_000n }, 'to (5s) must be after from (5s)'],
    [{ topics: [] }, 'at least one topic filter is needed'],
    [{ topics: ['a/#/b'] }, `topic filter "a/#/b": '#' must be a whole level and the last one`],
    [{ topics: ['irrigation/zone+'] }, `topic filter "irrigation/zone+": '+' must be a whole level`],
  ])('rejects case %#', (opts, message) => {
    expect(() => planReplay(capture(packets), opts)).toThrow(message);
  });
});
