import { describe, expect, it } from 'vitest';
import { topicMatches } from './topic-filter.ts';

describe('topicMatches (MQTT 3.1.1 section 4.7)', () => {
  it.each([
    ['irrigation/zone/on', 'irrigation/zone/on', true],
    ['irrigation/zone/on', 'irrigation/zone/off', false],
    ['irrigation/+/on', 'irrigation/zone/on', true],
    ['irrigation/+', 'irrigation/zone/on', false],
    ['irrigation/#', 'irrigation', true], // '#' includes the parent level
    ['irrigation/#', 'irrigation/zone/on', true],
    ['#', '$SYS/broker/uptime', false],
    ['+/broker/uptime', '$SYS/broker/uptime', false],
    ['$SYS/#', '$SYS/broker/uptime', true],
    ['a/+/c', 'a//c', true],
  ])('%s matches %s: %s', (filter, topic, want) => {
    expect(topicMatches(filter, topic)).toBe(want);
  });
});
