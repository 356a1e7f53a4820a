// esphil serve: the node and its broker on TCP for outside MQTT clients
// (mosquitto_pub with the operator certificate), paced to the wall clock.
import { formatVirtual } from '../scenario/duration.ts';
import { World } from '../world/world.ts';
import { listenIsp } from '../world/isp-port.ts';
import { join } from 'node:path';
import { OTA_PUBLIC_KEY, PKI, defaultWorldConfig, readInput } from '../world/defaults.ts';
import { withPki } from '../world/pki.ts';
import { PKI_FLAG, readPkiFlag } from './pki.ts';
import { realNow, realSetTimeout } from '../world/clock.ts';
import { defineCommand, parseCommand } from './flags.ts';
import { UsageError, unusable } from './errors.ts';
import { openRecorders } from './recorders.ts';
import { jsonValue } from '../trace/jsonl.ts';
import { VIEW_FLAGS, viewFromFlags } from './view-flags.ts';
import { FIRMWARE_FLAGS, GDB_FLAGS, checkFirmwareFlags, startGdb } from './gdb.ts';

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
    speed: { kind: 'number', arg: 'N', default: 1, meaning: 'virtual seconds per wall second', check: { ok: (n: number) => n > 0 && n <= 1e6, want: 'a speed factor above 0, at most 1000000' } },
    json: { kind: 'boolean', meaning: 'print one JSON object per line: {"event":"ready","port":N,...}, then node events' },
    pcap: { kind: 'string', arg: 'F.pcap', meaning: 'write the broker-side MQTT session as a pcap' },
    trace: { kind: 'string', arg: 'F.jsonl', meaning: "write the session's timeline as JSON lines (docs/trace.md)" },
    ...VIEW_FLAGS,
    ota: { kind: 'boolean', meaning: 'build the node with the signed AVR update over MQTT (docs/ota.md; esphil ota-avr sends one)' },
    'isp-port': { kind: 'number', arg: 'N', meaning: 'the ESP8266 also serves STK500 v1 for the AVR (avrdude -c arduino -P net:HOST:N -p m168); 0 lets the system choose', check: { ok: (n: number) => Number.isInteger(n) && n >= 0 && n < 65536, want: 'a TCP port (0-65535)' } },
  },
  notes: 'stops on SIGINT or SIGTERM (Ctrl-C), closing its files',
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

  const world = await unusable('esphil serve: cannot build the node', () => {
    const base = withPki(defaultWorldConfig({ avrHex: values['avr-hex'], avrElf: values['avr-elf'] }), pki);
    const node = values.ota ? { ...base.node, otaPublicKeyPem: pki?.ota?.publicPem ?? readInput(join(PKI, OTA_PUBLIC_KEY), 'key file') } : base.node;
    return World.create({ ...base, node, ispServer: ispPort !== undefined });
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

  let listening: { port: number; host: string };
  try {
    listening = await world.mqttBroker.listen({ port, host });
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
  say(
    { event: 'ready', port: listening.port, host: listening.host, ...(isp ? { ispPort: isp.port } : {}) },
    `esphil serve: broker on ${listening.host}:${listening.port} (mutual TLS, ${pki ? pki.dir : 'fixtures/pki'}), speed ${speed}` + (isp ? `; AVR ISP (STK500 v1) on ${host}:${isp.port}` : ''),
  );
  if (view) say({ event: 'view', url: view.url }, `esphil serve: view at ${view.url}`);

  let stopping = false;
  const stop = () => (stopping = true);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let gdb;
  try {
    gdb = startGdb(world, 'serve', values);
  } catch (e) {
    await world.close();
    throw e;
  }
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
  gdb?.close();
  await isp?.close();
  await view?.close();
  await recorders.close();
  await world.close();
  return 0;
}
