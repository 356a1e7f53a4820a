// The world keeps only what a scenario step can still ask for.
import { describe, expect, it } from 'vitest';
import { World } from '../../src/world/world.ts';
import { defaultWorldConfig } from '../../src/world/defaults.ts';

describe('world memory', () => {
  it('never keeps a PUBLISH the ACL denies; keeps nothing once history is off', async () => {
    const world = await World.create(defaultWorldConfig());
    try {
      world.powerOn();
      expect(await world.runUntil(() => world.nodeSubscribed(), 120_000_000_000n)).toBe(true);
      expect(world.serialLines().length).toBeGreaterThan(0);
      const seenBefore = world.mqttSeen().length;
      await world.publish('irrigation/log', Buffer.alloc(1 << 20, 0x61), { qos: 1, retain: false }); // the operator may not write here
      await world.publish('irrigation/zone/status', Buffer.from('?'), { qos: 1, retain: false });
      expect(world.mqttSeen().slice(seenBefore).map((m) => [m.topic, m.payload.toString()])).toEqual([['irrigation/zone/status', '?']]);

      world.keepHistory(false);
      expect(world.serialLines()).toEqual([]);
      expect(world.mqttSeen()).toEqual([]);
      await world.publish('irrigation/zone/on', Buffer.from('1 5'), { qos: 1, retain: false });
      await world.runFor(10_000_000_000n);
      expect(world.relaysOn()).toEqual([]); // zone 1 ran its 5 s: the node worked, the world kept nothing
      expect(world.mqttSeen()).toEqual([]);
      expect(world.serialLines()).toEqual([]);
    } finally {
      await world.close();
    }
  }, 120_000);
});
