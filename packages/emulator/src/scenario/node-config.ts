// The `node:` section of a scenario file: which firmware, credentials and network
// conditions the world is built with. Only what the file says is set; every field
// left undefined takes the world's default (docs/scenarios.md lists them).
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, type Node } from 'yaml';
import { loadPkiFolder } from '@esphil/broker';
import { parseBrokerUrl, type OutsideBroker } from '../world/outside-broker.ts';
import { formatDuration } from './duration.ts';
import { ScenarioIssue } from './errors.ts';
import { BOOL, defined, DURATION, FILE, oneOf, section, TEXT, UTC, type JsonSchema, type ParamSpec } from './param-spec.ts';
import { Params } from './params.ts';
import { Where, type SourceFile } from './source.ts';
import { parseUtc } from './utc.ts';

/** The AVR firmware: one of the two bundled builds, or a .hex file (absolute path). */
export type AvrHexChoice = { bundled: 'sleep' | 'poll' } | { file: string };

export interface NodeCerts {
  /** Trust anchor of the node (BearSSL setTrustAnchors). */
  ca?: string;
  /** The node's client certificate and key (setClientRSACert). */
  cert?: string;
  key?: string;
  /** What the broker presents. */
  brokerCert?: string;
  brokerKey?: string;
  /** The operator client the scenario publishes with. */
  operatorCert?: string;
  operatorKey?: string;
  /** The OTA signing key pair: the node's public key, the operator's private key. */
  otaPublicKey?: string;
  otaSigningKey?: string;
}

export interface NodeConfig {
  avrHex?: AvrHexChoice;
  /** An AVR executable (absolute path) loaded instead of avrHex; its symbols serve the debugger. */
  avrElf?: string;
  /** Serve avr-gdb on 127.0.0.1 at this port (0: a free one) while the scenario runs. */
  gdbPort?: number;
  /** Credentials the sketch was built with. */
  wifi?: { ssid: string; psk: string };
  /** What the access point really has (defaults to `wifi`). */
  ap?: { ssid: string; psk: string };
  /** Absolute paths of PEM files. */
  certs: NodeCerts;
  /** Absolute path of a mosquitto.conf. */
  brokerConfig?: string;
  /** The original's two builds: `debug` logs and runs the start-up test, `release` does neither. */
  build?: 'debug' | 'release';
  /** DEBUG_LOG serial output, whatever the build says. */
  debugLog?: boolean;
  /** The start-up zone walk (each relay on for 1 s in turn), whatever the build says. */
  startupTest?: boolean;
  /** The ESP8266's CPU clock, 80 or 160 MHz (default 80, the Arduino IDE's). */
  cpuMhz?: 80 | 160;
  /** Absolute path of a deployment folder (`esphil certs`): node, broker and operator credentials and the broker's conf. */
  pki?: string;
  /** A broker outside the world (`broker: {url: mqtts://HOST:PORT}`): the node connects to it, paced to the wall clock. */
  outsideBroker?: OutsideBroker;
  /** millis() at power-on, so a scenario can cross its 49.7-day wrap (from `millis-wrap-in`). */
  millisAtBoot?: number;
  /** UTC the world starts at, ms since the epoch. */
  utcMs?: number;
  ntp?: { delayNs?: bigint; respond?: boolean };
  transport?: 'memory' | 'tcp';
  /** The sketch is built with the signed AVR update over MQTT (docs/ota.md); off in the original. */
  ota?: boolean;
}

/** gdbserver's customary port, which `gdb: true` and a bare --gdb take. */
export const GDB_DEFAULT_PORT = 1234;

/** millis() is an unsigned 32-bit count of milliseconds. */
const MILLIS_WRAP = 2n ** 32n;

const CERT_KEYS: Record<string, keyof NodeCerts> = {
  ca: 'ca',
  cert: 'cert',
  key: 'key',
  'broker-cert': 'brokerCert',
  'broker-key': 'brokerKey',
  'operator-cert': 'operatorCert',
  'operator-key': 'operatorKey',
  'ota-public-key': 'otaPublicKey',
  'ota-signing-key': 'otaSigningKey',
};

const BUILDS = ['debug', 'release'] as const;
const CPU_MHZ = ['80', '160'] as const;
const TRANSPORTS = ['memory', 'tcp'] as const;
const CREDENTIALS: ParamSpec = { params: { ssid: { type: TEXT, doc: 'The network name.', required: true }, psk: { type: TEXT, doc: 'The WPA2 passphrase.', required: true } } };
const CERT_DOCS: Record<keyof NodeCerts, string> = {
  ca: "The node's trust anchor (BearSSL setTrustAnchors); also the operator's.",
  cert: "The node's client certificate.",
  key: "The node's private key.",
  brokerCert: 'What the broker presents.',
  brokerKey: "The broker's private key.",
  operatorCert: "The operator client's certificate (publish steps).",
  operatorKey: "The operator client's private key.",
  otaPublicKey: 'What a node built with ota: true checks updates with.',
  otaSigningKey: 'What ota-avr signs with.',
};
/** gdb: true (port 1234) or a TCP port. */
export const GDB_SCHEMA: JsonSchema = { anyOf: [{ const: true }, { type: 'integer', minimum: 0, maximum: 65535 }] };

/** Every key of the `node:` section (docs/scenarios.md "The node: section"), for Params and the scenario schema. */
export const NODE_SPEC: ParamSpec = {
  params: {
    'avr-hex': { type: FILE, doc: 'bundled (relay-slave.hex, sleeps between bytes), bundled-poll (spins on SPIF), or a path to an ATmega168 .hex.', default: 'bundled' },
    'avr-elf': { type: FILE, doc: 'A path to an AVR ELF executable loaded instead of avr-hex; its symbols serve avr-gdb and the stepper\'s break avr.' },
    gdb: { type: defined('gdb'), doc: 'true (port 1234) or a port (0: a free one): serve avr-gdb on 127.0.0.1 while the scenario runs.' },
    wifi: { type: section(CREDENTIALS), doc: 'The Wi-Fi credentials the sketch was built with.' },
    ap: { type: section(CREDENTIALS), doc: 'What the access point really has (default: same as wifi); another psk makes a wrong-password scenario.' },
    pki: { type: FILE, doc: 'A folder written by esphil certs: node, broker and operator credentials and the broker\'s conf.' },
    broker: { type: section({ params: { url: { type: TEXT, doc: 'mqtts://HOST:PORT', required: true } } }), doc: 'A broker outside the world (your mosquitto): the node connects to it, virtual time paced to the wall clock.' },
    certs: { type: section({ params: Object.fromEntries(Object.entries(CERT_KEYS).map(([key, field]) => [key, { type: FILE, doc: `${CERT_DOCS[field]} A PEM file.` }])) }), doc: 'PEM files replacing the default credentials, relative to the scenario file.' },
    'broker-config': { type: FILE, doc: 'A mosquitto 2.0 conf for the broker.' },
    build: { type: oneOf(BUILDS), doc: "The original's two builds: debug (serial logging and the start-up test) or release (neither)." },
    'debug-log': { type: BOOL, doc: "The DEBUG build's serial logging, whatever build says.", default: true },
    'startup-test': { type: BOOL, doc: "The DEBUG build's start-up zone walk, whatever build says.", default: false },
    'cpu-mhz': { type: oneOf(CPU_MHZ), doc: "The ESP8266's CPU clock in MHz.", default: 80 },
    'millis-wrap-in': { type: DURATION, doc: 'millis() starts that long before its 2^32 ms wrap (49.7 days); 1ms .. 49d 17h 2min 47s 296ms.' },
    utc: { type: UTC, doc: 'UTC the world starts at.', default: '2026-06-01T05:00:00Z' },
    ntp: {
      type: section({ params: { delay: { type: DURATION, doc: 'How long the NTP answer takes.', default: '20ms' }, respond: { type: BOOL, doc: 'Whether the NTP server answers at all.', default: true } } }),
      doc: 'The NTP server: how long it takes and whether it answers.',
    },
    transport: { type: oneOf(TRANSPORTS), doc: 'memory (in-memory TLS streams) or tcp (loopback sockets).', default: 'memory' },
    ota: { type: BOOL, doc: 'Build the sketch with the signed AVR update over MQTT (docs/ota.md).', default: false },
  },
  atMostOne: ['avr-hex', 'avr-elf'],
};

/**
 * Reads a `node:` mapping; relative paths resolve against the scenario file's directory.
 * Each bad key goes to `report` (default: throw), so one pass can list them all.
 */
export function readNodeConfig(node: Node | null, src: SourceFile, report: (issue: ScenarioIssue) => void = (i) => { throw i; }): NodeConfig {
  const where = new Where(src, 'node', node);
  const config: NodeConfig = { certs: {} };
  if (node === null || (isScalar(node) && node.value === null)) return config;
  if (!isMap(node)) throw src.issue(node, `node: expected a mapping (${Object.keys(NODE_SPEC.params).join(', ')})`);
  const p = new Params(node, where, undefined, NODE_SPEC);
  const dir = dirname(resolve(src.file));
  const guard = (f: () => void): void => {
    try {
      f();
    } catch (e) {
      if (!(e instanceof ScenarioIssue)) throw e;
      report(e);
    }
  };
  const path = (sub: Params, key: string, what: string): string => {
    const file = resolve(dir, sub.string(key));
    if (!existsSync(file) || !statSync(file).isFile()) sub.fail(key, `${what} not found: ${file}`);
    return file;
  };

  const readers: Record<string, () => void> = {
    'avr-hex': () => {
      const v = p.string('avr-hex');
      config.avrHex = v === 'bundled' ? { bundled: 'sleep' } : v === 'bundled-poll' ? { bundled: 'poll' } : { file: path(p, 'avr-hex', 'AVR hex file') };
    },
    'avr-elf': () => {
      if (p.has('avr-hex')) p.fail('avr-elf', 'give the firmware once: avr-hex or avr-elf, not both');
      config.avrElf = path(p, 'avr-elf', 'AVR ELF file');
    },
    gdb: () => {
      const v = p.node('gdb');
      const value = isScalar(v) ? v.value : undefined;
      if (value === true) config.gdbPort = GDB_DEFAULT_PORT;
      else if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 65536) config.gdbPort = value;
      else p.fail('gdb', `expected true or a TCP port (0-65535), got ${JSON.stringify(value ?? null)}`);
    },
    wifi: () => (config.wifi = readCredentials(p.section('wifi'))),
    ap: () => (config.ap = readCredentials(p.section('ap'))),
    certs: () => {
      const c = p.section('certs');
      for (const [key, field] of Object.entries(CERT_KEYS)) if (c.has(key)) guard(() => (config.certs[field] = path(c, key, 'certificate file')));
      c.done();
    },
    pki: () => {
      const folder = resolve(dir, p.string('pki'));
      try {
        loadPkiFolder(folder);
      } catch (e) {
        p.fail('pki', (e as Error).message);
      }
      config.pki = folder;
    },
    broker: () => {
      const b = p.section('broker');
      const url = b.string('url');
      try {
        config.outsideBroker = parseBrokerUrl(url);
      } catch (e) {
        b.fail('url', (e as Error).message);
      }
      b.done();
    },
    'broker-config': () => (config.brokerConfig = path(p, 'broker-config', 'broker config')),
    build: () => (config.build = p.oneOf('build', BUILDS)),
    'debug-log': () => (config.debugLog = p.bool('debug-log', true)),
    'startup-test': () => (config.startupTest = p.bool('startup-test', false)),
    'cpu-mhz': () => (config.cpuMhz = Number(p.oneOf('cpu-mhz', CPU_MHZ)) as 80 | 160),
    'millis-wrap-in': () => {
      const ms = p.duration('millis-wrap-in') / 1_000_000n;
      if (ms < 1n || ms > MILLIS_WRAP) p.fail('millis-wrap-in', `expected 1ms .. 49d 17h 2min 47s 296ms (2^32 ms), got ${formatDuration(ms * 1_000_000n)}`);
      config.millisAtBoot = Number(MILLIS_WRAP - ms);
    },
    utc: () => (config.utcMs = p.parsed('utc', parseUtc)),
    ntp: () => {
      const n = p.section('ntp');
      config.ntp = {};
      if (n.has('delay')) config.ntp.delayNs = n.duration('delay');
      if (n.has('respond')) config.ntp.respond = n.bool('respond', true);
      n.done();
    },
    transport: () => (config.transport = p.oneOf('transport', TRANSPORTS)),
    ota: () => (config.ota = p.bool('ota', false)),
  };
  for (const [key, read] of Object.entries(readers)) guard(() => p.has(key) && read());
  guard(() => p.done());
  return config;
}

function readCredentials(p: Params): { ssid: string; psk: string } {
  const c = { ssid: p.string('ssid'), psk: p.string('psk') };
  p.done();
  return c;
}

/** One line for reports: which non-default choices a scenario makes. */
export function describeNode(c: NodeConfig): string {
  const parts: string[] = [];
  if (c.pki) parts.push(`pki ${c.pki}`);
  if (c.outsideBroker) parts.push(`broker ${c.outsideBroker.url} (wall-clock pace)`);
  if (c.avrHex) parts.push('bundled' in c.avrHex ? `avr ${c.avrHex.bundled === 'poll' ? 'bundled-poll' : 'bundled'}` : `avr ${c.avrHex.file}`);
  if (c.avrElf) parts.push(`avr ${c.avrElf}`);
  if (c.gdbPort !== undefined) parts.push(`gdb port ${c.gdbPort}`);
  if (c.utcMs !== undefined) parts.push(`utc ${new Date(c.utcMs).toISOString()}`);
  if (c.ntp?.respond === false) parts.push('ntp silent');
  if (c.ota) parts.push('ota');
  if (c.ntp?.delayNs !== undefined) parts.push(`ntp delay ${formatDuration(c.ntp.delayNs)}`);
  if (c.transport) parts.push(`transport ${c.transport}`);
  if (c.build) parts.push(`${c.build} build`);
  if (c.cpuMhz) parts.push(`${c.cpuMhz} MHz`);
  if (c.debugLog !== undefined) parts.push(`debug log ${c.debugLog ? 'on' : 'off'}`);
  if (c.startupTest !== undefined) parts.push(`start-up test ${c.startupTest ? 'on' : 'off'}`);
  if (c.millisAtBoot !== undefined) parts.push(`millis() starts at ${c.millisAtBoot}`);
  return parts.join(', ');
}
