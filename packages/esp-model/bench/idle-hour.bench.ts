// One virtual hour of a connected, idle node (TLS keepalive every 15 s): how fast the
// model runs against the wall clock, and how few wake-ups the world needs.
import { performance } from 'node:perf_hooks';
import { FakeWorld } from '../test/helpers/world.ts';

const HOUR_MS = 3_600_000;

const w = new FakeWorld();
w.esp.powerOn();
await w.untilSubscribed();
const polls0 = w.polls;
const pings0 = w.broker().count('pingreq');
const t0 = performance.now();
await w.run(HOUR_MS);
const wallMs = performance.now() - t0;
const pings = w.broker().count('pingreq') - pings0;
if (pings < 239) throw new Error(`expected ~240 keepalive pings in an hour, saw ${pings}`);
if (w.esp.faults().length) throw new Error(`model faults: ${w.esp.faults().join('; ')}`);

console.log(JSON.stringify({ name: 'esp.idle_hour_speedup', value: Math.round(HOUR_MS / wallMs), unit: 'x', goal: '>= 1000' }));
console.log(JSON.stringify({ name: 'esp.idle_hour_polls', value: w.polls - polls0, unit: 'polls', goal: '<= 600' }));
