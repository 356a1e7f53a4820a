import { describe, expect, it } from 'vitest';
import { topicMatches } from './topic-filter.ts';
import { arduinoToInt, parseZoneOn } from './zone-command.ts';

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

describe('zone command payloads as the sketch reads them', () => {
  it.each([
    ['2 120', { zone: 2, seconds: 120 }],
    ['  5 30\r\n', { zone: 5, seconds: 30 }],
    ['5 0', { zone: 5, seconds: 0 }],
    ['3 -4', { zone: 3, seconds: -4 }],
    ['x 10', { zone: 0, seconds: 10 }], // toInt("x") is 0
    ['1 12abc', { zone: 1, seconds: 12 }],
    ['2', null], // no space: ignored
    ['8 10', null], // zone >= 8 ignored
  ])('%j → %j', (payload, want) => {
    expect(parseZoneOn(payload)).toEqual(want);
  });
  it('toInt follows atol', () => {
    expect([arduinoToInt(' +7'), arduinoToInt('-12x'), arduinoToInt(''), arduinoToInt('- 1')]).toEqual([7, -12, 0, 0]);
  });
});
