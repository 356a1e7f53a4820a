import { afterEach, describe, expect, it } from 'vitest';
import { aclAllows, aclAllowsSubscribe, parseAcl } from '../src/index.ts';
import { dial, settle, startFixtureBroker, type TestBroker } from './helpers.ts';

const NODE = { username: 'sec_mqtt_client_00_03', clientId: 'sec_mqtt_client_00_03' };
const OPERATOR = { username: 'operator', clientId: 'op-1' };

describe('acl_file semantics (mosquitto 2.0 security_default.c)', () => {
  const rules = parseAcl(
    [
      '# comment',
      'topic read public/#',
      'user alice',
      'topic readwrite home/#',
      'topic deny home/secret',
      'topic write cmd/+/set',
      'topic sensors/#',
      'pattern write devices/%u/%c/#',
      'pattern read devices/%c/in',
    ].join('\n'),
    'acl',
  );
  const alice = { username: 'alice', clientId: 'a1' };
  it('deny entries win even when listed after a grant', () => {
    expect(aclAllows(rules, alice, 'home/kitchen', 'write')).toBe(true);
    expect(aclAllows(rules, alice, 'home/secret', 'read')).toBe(false);
  });
  it('access kinds and the one-word form (readwrite)', () => {
    expect(aclAllows(rules, alice, 'cmd/x/set', 'write')).toBe(true);
    expect(aclAllows(rules, alice, 'cmd/x/set', 'read')).toBe(false);
    expect(aclAllows(rules, alice, 'sensors/a/b', 'read')).toBe(true);
    expect(aclAllows(rules, alice, 'sensors/a/b', 'write')).toBe(true);
  });
  it('entries before any user line apply only to clients without a user name', () => {
    expect(aclAllows(rules, { username: null, clientId: 'x' }, 'public/a', 'read')).toBe(true);
    expect(aclAllows(rules, alice, 'public/a', 'read')).toBe(false);
  });
  it('patterns expand %u and %c and apply to everyone', () => {
    expect(aclAllows(rules, alice, 'devices/alice/a1/t', 'write')).toBe(true);
    expect(aclAllows(rules, alice, 'devices/alice/a2/t', 'write')).toBe(false);
    expect(aclAllows(rules, { username: 'bob', clientId: 'b' }, 'devices/b/in', 'read')).toBe(true);
    // %u patterns do not apply to clients without a user name
    expect(aclAllows(rules, { username: null, clientId: 'b' }, 'devices//b/t', 'write')).toBe(false);
  });
  it('a + or # in the client id disables pattern matching', () => {
    expect(aclAllows(rules, { username: 'bob', clientId: '#' }, 'devices/#/in', 'read')).toBe(false);
  });
  it('a + or # in the user name or client id would widen a pattern, so nothing matches through patterns then', () => {
    const r = parseAcl('pattern read up/%u\npattern read in/%c\nuser x\ntopic read own/#', 'acl');
    expect(aclAllows(r, { username: 'x', clientId: 'c' }, 'up/x', 'read')).toBe(true);
    expect(aclAllows(r, { username: '+', clientId: 'c' }, 'up/x', 'read')).toBe(false); // up/+ would match up/x
    expect(aclAllows(r, { username: 'y', clientId: 'd' }, 'in/d', 'read')).toBe(true);
    expect(aclAllows(r, { username: 'y', clientId: '+' }, 'in/d', 'read')).toBe(false); // in/+ would match in/d
    expect(aclAllows(r, { username: 'x', clientId: '+' }, 'own/a', 'read')).toBe(true); // the user's own entries still apply
    expect(aclAllowsSubscribe(r, { username: 'y', clientId: 'd' }, 'in/d')).toBe(true);
    expect(aclAllowsSubscribe(r, { username: 'y', clientId: '#' }, 'in/d')).toBe(false);
    expect(aclAllowsSubscribe(r, { username: null, clientId: 'c' }, 'up/')).toBe(false); // %u never applies without a user name
  });
  it('a pattern deny wins over a pattern grant', () => {
    const r = parseAcl('pattern read dev/%c/#\npattern deny dev/%c/secret', 'acl');
    expect(aclAllows(r, { username: 'u', clientId: 'b' }, 'dev/b/x', 'read')).toBe(true);
    expect(aclAllows(r, { username: 'u', clientId: 'b' }, 'dev/b/secret', 'read')).toBe(false);
    expect(aclAllowsSubscribe(r, { username: 'u', clientId: 'b' }, 'dev/b/secret')).toBe(false);
    expect(aclAllowsSubscribe(r, { username: 'u', clientId: 'b' }, 'dev/b/x')).toBe(true);
  });
  it('unknown users get nothing', () => {
    expect(aclAllows(rules, { username: 'mallory', clientId: 'm' }, 'home/kitchen', 'read')).toBe(false);
  });
  it('$ topics need an ACL topic that starts with $', () => {
    const r = parseAcl('user u\ntopic read #\ntopic read $SYS/broker/#', 'acl');
    expect(aclAllows(r, { username: 'u', clientId: 'c' }, '$SYS/x', 'read')).toBe(false);
    expect(aclAllows(r, { username: 'u', clientId: 'c' }, '$SYS/broker/load', 'read')).toBe(true);
  });
  it('subscriptions are granted only when a read entry covers every topic they can match', () => {
    const fixture = parseAcl(
      'user sec_mqtt_client_00_03\ntopic read irrigation/#\ntopic write irrigation/status/sec_mqtt_client_00_03/#\nuser operator\ntopic write irrigation/zone/#\ntopic read #\n',
      'acl',
    );
    expect(aclAllowsSubscribe(fixture, NODE, 'irrigation/zone/on')).toBe(true);
    expect(aclAllowsSubscribe(fixture, NODE, 'irrigation/+/on')).toBe(true);
    expect(aclAllowsSubscribe(fixture, NODE, '#')).toBe(false);
    expect(aclAllowsSubscribe(fixture, NODE, '+/zone/on')).toBe(false);
    expect(aclAllowsSubscribe(fixture, OPERATOR, '#')).toBe(true);
    expect(aclAllowsSubscribe(rules, alice, 'home/secret')).toBe(false);
  });
});

describe('acl_file errors name file:line', () => {
  it.each([
    ['topic', /^my\.acl:1: 'topic' needs a topic/],
    ['user', /^my\.acl:1: 'user' needs a user name/],
    ['\n\ntopic rw a/b', /^my\.acl:3: invalid access type 'rw'/],
    ['topic read a/#/b', /^my\.acl:1: invalid ACL topic: '#' must be a whole last level/],
    ['topic read a+/b', /^my\.acl:1: invalid ACL topic: '\+' must be a whole level/],
    ['allow all', /^my\.acl:1: unknown ACL keyword 'allow'/],
    ['topic r\rad a/b', /^my\.acl:1: invalid access type 'r'/], // a stray CR is whitespace inside the line (found by fuzzing)
  ])('%j', (text, message) => {
    expect(() => parseAcl(text, 'my.acl')).toThrow(message);
  });
});

describe('ACL on the wire (fixtures/pki/acl)', () => {
  let tb: TestBroker;
  afterEach(async () => tb?.broker.close());

  async function nodeAndOperator() {
    tb = await startFixtureBroker();
    const node = await dial(tb.broker, { cert: 'node.crt' });
    expect((await node.connectMqtt('sec_mqtt_client_00_03')).returnCode).toBe(0);
    const op = await dial(tb.broker, { cert: 'operator.crt' });
    expect((await op.connectMqtt('operator-console')).returnCode).toBe(0);
    return { node, op };
  }

  it('a denied publish is acknowledged and dropped; the client stays connected', async () => {
    const { node, op } = await nodeAndOperator();
    op.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: '#', qos: 0 }] });
    expect(((await op.next('suback')) as { granted: number[] }).granted).toEqual([0]);

    // the node may not command zones: QoS 0, 1 and 2, retained or not
    node.send({ cmd: 'publish', topic: 'irrigation/zone/on', payload: Buffer.from('2 120'), qos: 0, retain: false, dup: false });
    node.send({ cmd: 'publish', topic: 'irrigation/zone/on', payload: Buffer.from('3 60'), qos: 1, messageId: 7, retain: true, dup: false });
    expect(await node.next('puback')).toMatchObject({ messageId: 7 });
    node.send({ cmd: 'publish', topic: 'irrigation/zone/off', payload: Buffer.from('3'), qos: 2, messageId: 8, retain: false, dup: false });
    expect(await node.next('pubrec')).toMatchObject({ messageId: 8 });
    node.send({ cmd: 'pubrel', messageId: 8 });
    expect(await node.next('pubcomp')).toMatchObject({ messageId: 8 });

    // still connected, and an allowed publish goes through to the operator
    node.send({ cmd: 'pingreq' });
    await node.next('pingresp');
    node.send({ cmd: 'publish', topic: 'irrigation/status/sec_mqtt_client_00_03/zones', payload: Buffer.from('0'), qos: 0, retain: false, dup: false });
    const got = (await op.next('publish')) as { topic: string };
    expect(got.topic).toBe('irrigation/status/sec_mqtt_client_00_03/zones');
    await settle(20);
    expect(op.received.filter((p) => p.cmd === 'publish')).toEqual([]);
    expect(node.closed).toBe(false);
    const denied = tb.events.filter((e) => e.what === 'publish-denied').map((e) => [e.detail.topic, e.detail.qos]);
    expect(denied).toEqual([['irrigation/zone/on', 0], ['irrigation/zone/on', 1], ['irrigation/zone/off', 2]]);

    // the denied retained message was not stored: a new subscriber gets nothing retained
    const late = await dial(tb.broker, { cert: 'operator.crt' });
    await late.connectMqtt('late');
    late.send({ cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: 'irrigation/zone/on', qos: 1 }] });
    await late.next('suback');
    await settle(30);
    expect(late.received.filter((p) => p.cmd === 'publish')).toEqual([]);
  });

  it('a denied subscribe is granted 0x80, the others in the same SUBSCRIBE succeed', async () => {
    const { node } = await nodeAndOperator();
    node.send({
      cmd: 'subscribe',
      messageId: 3,
      subscriptions: [
        { topic: 'irrigation/zone/on', qos: 0 },
        { topic: '#', qos: 1 },
        { topic: 'irrigation/zone/status', qos: 0 },
      ],
    });
    expect(((await node.next('suback')) as { granted: number[] }).granted).toEqual([0, 0x80, 0]);
    expect(tb.events.filter((e) => e.what === 'subscribe-denied').map((e) => e.detail.topic)).toEqual(['#']);
    node.send({ cmd: 'pingreq' });
    await node.next('pingresp');
  });

  it("deniedSubscribe 'grant' answers like mosquitto 2.0; what the node may read is delivered", async () => {
    tb = await startFixtureBroker(undefined, { deniedSubscribe: 'grant' });
    const node = await dial(tb.broker, { cert: 'node.crt' });
    await node.connectMqtt('sec_mqtt_client_00_03');
    node.send({ cmd: 'subscribe', messageId: 4, subscriptions: [{ topic: '#', qos: 0 }] });
    expect(((await node.next('suback')) as { granted: number[] }).granted).toEqual([0]);
    expect(tb.events.find((e) => e.what === 'subscribe-denied')?.detail).toMatchObject({ topic: '#', granted: true });
    const op = await dial(tb.broker, { cert: 'operator.crt' });
    await op.connectMqtt('operator-console');
    op.send({ cmd: 'publish', topic: 'irrigation/zone/off', payload: Buffer.from('1'), qos: 0, retain: false, dup: false });
    expect(((await node.next('publish')) as { topic: string }).topic).toBe('irrigation/zone/off');
  });

  it('the operator commands a zone and the node receives it', async () => {
    const { node, op } = await nodeAndOperator();
    node.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'irrigation/zone/on', qos: 0 }] });
    await node.next('suback');
    op.send({ cmd: 'publish', topic: 'irrigation/zone/on', payload: Buffer.from('2 120'), qos: 1, messageId: 1, retain: false, dup: false });
    await op.next('puback');
    const p = (await node.next('publish')) as { topic: string; payload: Buffer };
    expect([p.topic, p.payload.toString()]).toEqual(['irrigation/zone/on', '2 120']);
    // QoS 1 deliveries number from 1, as mosquitto does (aedes alone would start at random)
    op.send({ cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: 'irrigation/status/#', qos: 1 }] });
    await op.next('suback');
    node.send({ cmd: 'publish', topic: 'irrigation/status/sec_mqtt_client_00_03/zones', payload: Buffer.from('4'), qos: 1, messageId: 9, retain: false, dup: false });
    expect(await op.next('publish')).toMatchObject({ qos: 1, messageId: 1 });
    expect(tb.events.filter((e) => e.what === 'publish-denied')).toEqual([]);
  });
});
