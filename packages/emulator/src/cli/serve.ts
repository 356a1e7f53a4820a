// esphil serve: the node and its broker on TCP for outside MQTT clients
// (mosquitto_pub with the operator certificate), paced to the wall clock.
import { formatVirtual } from '../scenario/duration.ts';
import { World } from '../world/world.ts';
import { defaultWorldConfig } from '../world/defaults.ts';
import { realNow, realSetTimeout } from '../world/clock.ts';
import { parseFlags, numberFlag } from './args.ts';
import { UsageError, unusable } from './errors.ts';
import { openRecorders } from './recorders.ts';
import { nsToSeconds } from '../replay/timeline.ts';
import { jsonValue } from '../trace/jsonl.ts';

const HELP = `usage: esphil serve [--port 8883] [--host 127.0.0.1] [--avr-hex F] [--speed 1] [--json] [--pcap F.pcap] [--trace F.jsonl]
  --speed N   virtual seconds per wall second (default 1)
  --json      one JSON object per line: {"event":"ready","port":N}, then {"event":"relays","t":s,"on":[...]} on each change`;

const TICK_MS = 10;

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('serve', argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    'avr-hex': { type: 'string' },
    speed: { type: 'string' },
    json: { type: 'boolean' },
    pcap: { type: 'string' },
    trace: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError(`esphil serve: unexpected argument ${JSON.stringify(positionals[0])}\n${HELP}`);
  const port = numberFlag('serve', 'port', values.port, 8883, (n) => Number.isInteger(n) && n >= 0 && n < 65536, 'a TCP port (0-65535)');
  const speed = numberFlag('serve', 'speed', values.speed, 1, (n) => n > 0 && n <= 1e6, 'a speed factor above 0');
  const host = values.host ?? '127.0.0.1';
  const json = values.json ?? false;

  const world = await unusable('esphil serve: cannot build the node', () => World.create(defaultWorldConfig({ avrHex: values['avr-hex'] })));
  const recorders = openRecorders(world, { pcap: values.pcap, trace: values.trace });
  const say = (obj: Record<string, unknown>, text: string) => console.log(json ? JSON.stringify(obj, jsonValue) : text);
  world.onRelays((e) => say({ event: 'relays', t: nsToSeconds(e.tNs), on: e.on }, `[${formatVirtual(e.tNs)}] relays ${e.on.length ? 'on: ' + e.on.join(', ') : 'all off'}`));
  world.onTrace((e) => {
    if (e.kind === 'serial') say({ event: 'serial', t: nsToSeconds(e.t), text: e.text }, `[${formatVirtual(e.t)}] serial: ${e.text}`);
    else if (e.kind === 'node') say({ event: 'node', t: nsToSeconds(e.t), what: e.what, ...(e.detail ?? {}) }, `[${formatVirtual(e.t)}] ${e.what}${e.detail ? ' ' + JSON.stringify(e.detail, jsonValue) : ''}`);
  });

  let listening: { port: number; host: string };
  try {
    listening = await world.mqttBroker.listen({ port, host });
  } catch (e) {
    await world.close();
    throw new UsageError(`esphil serve: cannot listen on ${host}:${port}: ${(e as Error).message}`);
  }
  say({ event: 'ready', port: listening.port, host: listening.host }, `esphil serve: broker on ${listening.host}:${listening.port} (mutual TLS, fixtures/pki), speed ${speed}`);

  let stopping = false;
  const stop = () => (stopping = true);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  world.powerOn();
  const wallStart = realNow();
  while (!stopping) {
    const target = BigInt(Math.floor((realNow() - wallStart) * speed * 1e6));
    if (target > world.nowNs()) await world.runTo(target);
    await new Promise<void>((r) => realSetTimeout(r, TICK_MS));
  }
  await recorders.close();
  await world.close();
  return 0;
}
