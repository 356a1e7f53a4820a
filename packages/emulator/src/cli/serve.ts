// esphil serve: the node and its broker on TCP for outside MQTT clients
// (mosquitto_pub with the operator certificate), paced to the wall clock.
import { formatVirtual } from '../scenario/duration.ts';
import { World } from '../world/world.ts';
import { listenIsp } from '../world/isp-port.ts';
import { join } from 'node:path';
import { OTA_PUBLIC_KEY, PKI, defaultWorldConfig, readInput } from '../world/defaults.ts';
import { withPki } from '../world/pki.ts';
import { PKI_FLAG, readPkiFlag } from './pki.ts';
import { parseBrokerUrl, type OutsideBroker } from '../world/outside-broker.ts';
import { realNow, realSetTimeout } from '../world/clock.ts';
import { defineCommand, parseCommand } from './flags.ts';
import { UsageError, unusable } from './errors.ts';
import { openRecorders } from './recorders.ts';
import { jsonValue } from '../trace/jsonl.ts';
import { VIEW_FLAGS, viewFromFlags } from './view-flags.ts';
import { FIRMWARE_FLAGS, GDB_FLAGS, checkFirmwareFlags, startGdb } from './gdb.ts';
import { IdleGc, collectedText } from './idle-gc.ts';

export const command = defineCommand({
  name: 'serve',
  args: '',
  summary: 'the node and its broker on TCP for outside MQTT clients, paced to the wall clock',
  flags: {
    port: { kind: 'number', arg: 'PORT', default: 8883, meaning: 'TCP port of the broker (mutual TLS); 0 lets the system choose', check: { ok: (n: number) => Number.isInteger(n) && n >= 0 && n < 65536, want: 'a TCP port (0-65535)' } },
    host: { kind: 'string', arg: 'HOST', default: '127.0.0.1', meaning: 'address the broker listens on' },
    'avr-hex': { kind: 'string', arg: 'F.hex', meaning: 'run this ATmega168 .hex instead of the bundled firmware' },
    ...FIRMWARE_FLAGS,
    ...GDB_FLAGS,
    pki: PKI_FLAG,
    broker: { kind: 'string', arg: 'URL', meaning: "connect the node to this broker instead (mqtts://HOST:PORT, e.g. your mosquitto with the --pki set's mosquitto.conf); virtual time then runs at wall-clock pace" },
    speed: { kind: 'number', arg: 'N', default: 1, meaning: 'virtual seconds per wall second', check: { ok: (n: number) => n > 0 && n <= 1e6, want: 'a speed factor above 0, at most 1000000' } },
    json: { kind: 'boolean', meaning: 'print one JSON object per line: {"event":"ready","port":N,...}, then node events' },
    pcap: { kind: 'string', arg: 'F.pcap', meaning: 'write the broker-side MQTT session as a pcap' },
    trace: { kind: 'string', arg: 'F.jsonl', meaning: "write the session's timeline as JSON lines (docs/trace.md)" },
    ...VIEW_FLAGS,
    ota: { kind: 'boolean', meaning: 'build the node with the signed AVR update over MQTT (docs/ota.md; esphil ota-avr sends one)' },
    'isp-port': { kind: 'number', arg: 'N', meaning: 'the ESP8266 also serves STK500 v1 for the AVR (avrdude -c arduino -P net:HOST:N -p m168); 0 lets the system choose', check: { ok: (n: number) => Number.isInteger(n) && n >= 0 && n < 65536, want: 'a TCP port (0-65535)' } },
  },
  notes: `with --broker no broker is served: the node's TLS and MQTT go to that broker with the --pki set's node
credentials, the node checks its chain and host name at its own clock, and virtual time runs at the
wall clock's pace (an outside broker lives in real time), so --speed must stay 1
stops on SIGINT or SIGTERM (Ctrl-C), closing its files`,
});

const TICK_MS = 10;

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(command, argv);
  if (!parsed) return 0;
  const { flags: values, positionals } = parsed;
  if (positionals.length) throw new UsageError(`esphil serve: unexpected argument ${JSON.stringify(positionals[0])}; see esphil help serve`);
  const { port, speed, host, json } = values;
  const ispPort = values['isp-port'];
  checkFirmwareFlags('serve', values);
  const pki = readPkiFlag('serve', values.pki);
  let outsideBroker: OutsideBroker | undefined;
  if (values.broker !== undefined) {
    try {
      outsideBroker = parseBrokerUrl(values.broker);
    } catch (e) {
      throw new UsageError(`esphil serve: --broker ${(e as Error).message}`);
    }
    if (speed !== 1) throw new UsageError('esphil serve: --speed with --broker: an outside broker runs in real time, so virtual time follows the wall clock (--speed 1)');
  }

  const world = await unusable('esphil serve: cannot build the node', () => {
    const base = withPki(defaultWorldConfig({ avrHex: values['avr-hex'], avrElf: values['avr-elf'] }), pki);
    const node = values.ota ? { ...base.node, otaPublicKeyPem: pki?.ota?.publicPem ?? readInput(join(PKI, OTA_PUBLIC_KEY), 'key file') } : base.node;
    return World.create({ ...base, node, ispServer: ispPort !== undefined, ...(outsideBroker ? { outsideBroker } : {}) });
  });
  world.keepHistory(false); // no scenario step will ask for serial lines or PUBLISHes
  const recorders = openRecorders(world, { pcap: values.pcap, trace: values.trace });
  const view = await viewFromFlags('serve', world, 'esphil serve', values);
  const say = (obj: Record<string, unknown>, text: string) => console.log(json ? JSON.stringify(obj, jsonValue) : text);
  world.onRelays((e) => say({ event: 'relays', t: e.tNs, on: e.on }, `[${formatVirtual(e.tNs)}] relays ${e.on.length ? 'on: ' + e.on.join(', ') : 'all off'}`));
  world.onTrace((e) => {
    if (e.kind === 'serial') say({ event: 'serial', t: e.t, text: e.text }, `[${formatVirtual(e.t)}] serial: ${e.text}`);
    else if (e.kind === 'node') say({ event: 'node', t: e.t, what: e.what, ...(e.detail ?? {}) }, `[${formatVirtual(e.t)}] ${e.what}${e.detail ? ' ' + JSON.stringify(e.detail, jsonValue) : ''}`);
  });

  let listening: { port: number; host: string } | null = null;
  try {
    if (!outsideBroker) listening = await world.mqttBroker.listen({ port, host });
  } catch (e) {
    await world.close();
    throw new UsageError(`esphil serve: cannot listen on ${host}:${port}: ${(e as Error).message}`);
  }
  let isp: { port: number; close(): Promise<void> } | undefined;
  if (ispPort !== undefined) {
    try {
      isp = await listenIsp(world, host, ispPort);
    } catch (e) {
      await world.close();
      throw new UsageError(`esphil serve: cannot listen for ISP clients on ${host}:${ispPort}: ${(e as Error).message}`);
    }
  }
  const credentials = pki ? pki.dir : 'fixtures/pki';
  say(
    { event: 'ready', ...(listening ? { port: listening.port, host: listening.host } : { broker: outsideBroker!.url }), ...(isp ? { ispPort: isp.port } : {}) },
    (listening
      ? `esphil serve: broker on ${listening.host}:${listening.port} (mutual TLS, ${credentials}), speed ${speed}`
      : `esphil serve: the node connects to ${outsideBroker!.url} (node credentials from ${credentials}); virtual time paced to the wall clock`) +
      (isp ? `; AVR ISP (STK500 v1) on ${host}:${isp.port}` : ''),
  );
  if (view) say({ event: 'view', url: view.url }, `esphil serve: view at ${view.url}`);

  let stopping = false;
  const stop = () => (stopping = true);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let gdb;
  try {
    gdb = await startGdb(world, 'serve', values);
  } catch (e) {
    await world.close();
    throw e;
  }
  const idleGc = new IdleGc({
    onCollect: (c, t = world.nowNs()) => say({ event: 'gc', t, ...c }, `[${formatVirtual(t)}] quiet after ${Math.round(c.intakeBytes / 2 ** 20)} MiB taken in: ${collectedText(c)}`),
  });
  world.onBrokerInput((bytes) => idleGc.taken(bytes));
  idleGc.start();
  world.powerOn();
  const wallStart = realNow();
  let subscribed = false;
  while (!stopping) {
    // Wall time the world spent stopped by the debugger is not owed to virtual time.
    const target = BigInt(Math.floor((realNow() - wallStart - (gdb?.haltedWallMs ?? 0)) * speed * 1e6));
    if (target > world.nowNs()) await world.runTo(target);
    // Commands sent before the node's SUBSCRIBEs are lost (QoS 0, not retained): say when it is listening.
    if (world.nodeSubscribed() !== subscribed) {
      subscribed = !subscribed;
      const t = world.nowNs();
      say({ event: subscribed ? 'subscribed' : 'unsubscribed', t }, `[${formatVirtual(t)}] node ${subscribed ? 'subscribed: ready for commands' : 'no longer subscribed'}`);
    }
    await new Promise<void>((r) => realSetTimeout(r, TICK_MS));
  }
  idleGc.stop();
  gdb?.close();
  await isp?.close();
  await view?.close();
  await recorders.close();
  await world.close();
  return 0;
}
