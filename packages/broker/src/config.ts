// mosquitto.conf as mosquitto 2.0 reads it (man 5 mosquitto.conf, src/conf.c).
// What changes behaviour for the node's connection is honoured: the TLS
// listener, its certificates and client-certificate policy, the ACL, anonymous
// access and the packet and connection limits. Every other mosquitto variable
// loads and is listed in `noEffect`; an unknown one is an error with file:line.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseAcl, type AclRules } from './acl.ts';
import type { BrokerLimits } from './limits.ts';
import { NO_EFFECT_DIRECTIVES, isPluginOption } from './conf-directives.ts';
import { cipherListProblem } from './tls/ciphers.ts';

/** PEM text and where it came from (a path, or '<inline>' when built in code). */
export interface PemFile {
  path: string;
  pem: string;
}

export type TlsVersion = 'tlsv1.1' | 'tlsv1.2' | 'tlsv1.3';

/** A directive read but not acted on by the emulated broker. */
export interface NoEffect {
  directive: string;
  file: string;
  line: number;
}

export interface BrokerConfig {
  /** The conf file this came from, if any. */
  source?: string;
  /** `listener <port> [bind address]` or `port`; mosquitto's TLS default is 8883. */
  port: number;
  bindAddress?: string;
  /** `cafile`, and every certificate in `capath`: the CAs client certificates must chain to. */
  cafile: PemFile;
  certfile: PemFile;
  keyfile: PemFile;
  crlfile?: PemFile;
  /** `require_certificate`, mosquitto default false. */
  requireCertificate: boolean;
  /** `tls_version`: the lowest protocol version accepted (mosquitto 2.0 semantics). */
  tlsVersion: TlsVersion;
  /** `ciphers` (TLS 1.2 and below, OpenSSL cipher list); mosquitto's default when absent. */
  ciphers?: string;
  /** `ciphers_tls1.3` (TLS 1.3 suites, colon-separated). */
  ciphersTls13?: string;
  /** `use_identity_as_username`: the client certificate CN replaces the CONNECT user name. */
  useIdentityAsUsername: boolean;
  /** `use_subject_as_username`: the certificate subject (RFC 2253) replaces the CONNECT user name. */
  useSubjectAsUsername: boolean;
  /** `allow_anonymous`, mosquitto 2.0 default false. */
  allowAnonymous: boolean;
  /** `acl_file`; without one every authenticated client may read and write everything. */
  acl?: AclRules;
  /** `max_packet_size` in bytes (whole packet); absent: no limit. */
  maxPacketSize?: number;
  /** `message_size_limit`: largest PUBLISH payload in bytes; absent: no limit. */
  messageSizeLimit?: number;
  /** `max_keepalive` in seconds: the most a client may ask for. */
  maxKeepalive?: number;
  /** `max_connections` on the listener; absent (or -1 in the file): unlimited. */
  maxConnections?: number;
  /** `max_queued_messages`; absent: mosquitto's default (1000), 0: no limit. */
  maxQueuedMessages?: number;
  /** `max_queued_bytes`; absent or 0: no limit. */
  maxQueuedBytes?: number;
  /** Directives that load but change nothing here, in file order (listeners other than the node's included). */
  noEffect: NoEffect[];
}

export const MOSQUITTO_TLS_PORT = 8883;

const BOOL: Record<string, boolean> = { true: true, false: false };
const TLS_VERSIONS: readonly TlsVersion[] = ['tlsv1.3', 'tlsv1.2', 'tlsv1.1'];
/** MQTT's Remaining Length can say at most 268,435,455 bytes (3.1.1 §2.2.3). */
const MQTT_MAX_REMAINING = 268_435_455;

/** One `listener` (or the default listener from `port`/settings before any `listener`). */
interface Listener {
  file: string;
  line: number;
  port?: number;
  bindAddress?: string;
  protocol: 'mqtt' | 'websockets';
  cafile?: PemFile;
  capath?: PemFile;
  certfile?: PemFile;
  keyfile?: PemFile;
  crlfile?: PemFile;
  requireCertificate: boolean;
  tlsVersion: TlsVersion;
  ciphers?: string;
  ciphersTls13?: string;
  useIdentityAsUsername: boolean;
  useSubjectAsUsername: boolean;
  maxConnections?: number;
  /** Per-listener directives that were given, for duplicate checks. */
  given: Map<string, string>;
}

function newListener(file: string, line: number): Listener {
  return { file, line, protocol: 'mqtt', requireCertificate: false, tlsVersion: 'tlsv1.2', useIdentityAsUsername: false, useSubjectAsUsername: false, given: new Map() };
}

interface Global {
  allowAnonymous: boolean;
  acl?: AclRules;
  maxPacketSize?: number;
  messageSizeLimit?: number;
  maxKeepalive?: number;
  maxQueuedMessages?: number;
  maxQueuedBytes?: number;
  noEffect: NoEffect[];
  given: Map<string, string>;
}

function errText(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}

/** Parses mosquitto.conf text; relative paths resolve against `baseDir` (default: the file's directory). */
export function parseMosquittoConf(text: string, file: string, baseDir = dirname(resolve(file))): BrokerConfig {
  const dflt = newListener(file, 0);
  const listeners: Listener[] = [];
  const global: Global = { allowAnonymous: false, noEffect: [], given: new Map() };
  let current = dflt;
  let defaultUsed = false;

  const parseFile = (body: string, name: string): void => {
    const lines = body.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const where = `${name}:${i + 1}`;
      const line = lines[i]!.trim();
      if (line === '' || line.startsWith('#')) continue;
      const [directive, ...args] = line.split(/\s+/) as [string, ...string[]];
      const arg = args.join(' ');
      const fail = (msg: string): never => {
        throw new Error(`${where}: ${msg}`);
      };
      const one = (): string => (args.length === 1 ? args[0]! : fail(`'${directive}' takes exactly one value, got ${args.length}`));
      const bool = (): boolean => BOOL[one()] ?? fail(`'${directive}' must be true or false, got '${arg}'`);
      const int = (min: number, max: number): number => {
        const v = one();
        const n = Number(v);
        return /^-?\d+$/.test(v) && n >= min && n <= max ? n : fail(`'${directive}' must be a whole number from ${min} to ${max}, got '${v}'`);
      };
      const path = (): string => resolve(baseDir, one());
      const pem = (): PemFile => {
        const p = path();
        try {
          return { path: p, pem: readFileSync(p, 'utf8') };
        } catch (e) {
          return fail(`${directive}: cannot read ${p}: ${errText(e)}`);
        }
      };
      // mosquitto refuses a second value for string settings ("Duplicate ... value in configuration").
      const once = (scope: Map<string, string>): void => {
        const first = scope.get(directive);
        if (first !== undefined) fail(`'${directive}' repeated (first at ${first})`);
        scope.set(directive, where);
      };
      const port = (v: string | undefined): number => {
        const p = Number(v);
        return Number.isInteger(p) && p >= 1 && p <= 65535 ? p : fail(`invalid port '${v}'`);
      };
      const onDefault = (): Listener => {
        defaultUsed = true;
        return dflt;
      };
      switch (directive) {
        case 'listener':
          if (args.length < 1 || args.length > 2) fail('usage: listener <port> [bind address]');
          current = newListener(name, i + 1);
          current.port = port(args[0]);
          if (args[1] !== undefined) current.bindAddress = args[1];
          listeners.push(current);
          break;
        case 'port': onDefault().port = port(one()); break;
        case 'bind_address': onDefault().bindAddress = one(); break;
        case 'protocol': {
          const v = one();
          if (v !== 'mqtt' && v !== 'websockets') fail(`protocol must be mqtt or websockets, got '${v}'`);
          current.protocol = v as Listener['protocol'];
          if (current === dflt) defaultUsed = true;
          break;
        }
        case 'cafile': case 'capath': case 'certfile': case 'keyfile': case 'crlfile': {
          once(current.given);
          if (current === dflt) defaultUsed = true;
          if (directive === 'capath') current.capath = { path: path(), pem: readCapath(path(), fail) };
          else current[directive] = pem();
          break;
        }
        case 'require_certificate': current.requireCertificate = bool(); break;
        case 'use_identity_as_username': current.useIdentityAsUsername = bool(); break;
        case 'use_subject_as_username': current.useSubjectAsUsername = bool(); break;
        case 'tls_version': {
          const v = one();
          if (!TLS_VERSIONS.includes(v as TlsVersion)) fail(`tls_version must be tlsv1.3, tlsv1.2 or tlsv1.1, got '${v}'`);
          current.tlsVersion = v as TlsVersion;
          break;
        }
        case 'ciphers': case 'ciphers_tls1.3': {
          once(current.given);
          const list = one();
          const problem = cipherListProblem(list, directive === 'ciphers_tls1.3');
          if (problem) fail(problem);
          if (directive === 'ciphers') current.ciphers = list;
          else current.ciphersTls13 = list;
          break;
        }
        case 'max_connections': {
          const n = int(-1, 2 ** 31 - 1);
          if (n >= 0) current.maxConnections = n;
          else delete current.maxConnections;
          break;
        }
        case 'allow_anonymous': global.allowAnonymous = bool(); break;
        case 'acl_file': {
          once(global.given);
          const p = path();
          let aclText: string;
          try {
            aclText = readFileSync(p, 'utf8');
          } catch (e) {
            return fail(`acl_file: cannot read ${p}: ${errText(e)}`);
          }
          global.acl = parseAcl(aclText, p);
          break;
        }
        // mosquitto 2.0: 0 means "no limit" for both, and max_packet_size below 20 is refused.
        case 'max_packet_size': {
          const n = int(0, MQTT_MAX_REMAINING + 5);
          if (n !== 0 && n < 20) fail(`max_packet_size must be 0 (no limit) or at least 20, got ${n}`);
          global.maxPacketSize = n || undefined;
          break;
        }
        case 'message_size_limit': global.messageSizeLimit = int(0, MQTT_MAX_REMAINING) || undefined; break;
        case 'max_keepalive': global.maxKeepalive = int(0, 65535); break;
        case 'max_queued_messages': global.maxQueuedMessages = int(0, 2 ** 31 - 1); break;
        case 'max_queued_bytes': global.maxQueuedBytes = int(0, Number.MAX_SAFE_INTEGER); break;
        case 'include_dir': {
          const dir = path();
          let names: string[];
          try {
            names = readdirSync(dir).filter((n) => n.endsWith('.conf')).sort();
          } catch (e) {
            return fail(`include_dir: cannot read ${dir}: ${errText(e)}`);
          }
          for (const n of names) parseFile(readFileSync(join(dir, n), 'utf8'), join(dir, n));
          break;
        }
        default:
          if (!NO_EFFECT_DIRECTIVES.has(directive) && !isPluginOption(directive)) fail(`Unknown configuration variable "${directive}"`);
          global.noEffect.push({ directive, file: name, line: i + 1 });
      }
    }
  };
  parseFile(text, file);

  if (defaultUsed || listeners.length === 0) listeners.unshift(dflt);
  // The node speaks MQTT over TLS: its listener is the first MQTT one with a certificate.
  const node = listeners.find((l) => l.protocol === 'mqtt' && l.certfile) ?? listeners.find((l) => l.protocol === 'mqtt');
  if (!node) throw new Error(`${file}: no MQTT listener (only websockets listeners)`);
  for (const l of listeners) {
    if (l !== node) global.noEffect.push({ directive: `listener ${l.port ?? MOSQUITTO_TLS_PORT} (${l.protocol}${l.certfile ? '' : ', no TLS'})`, file: l.file, line: l.line });
  }
  const cafile = mergeCas(node.cafile, node.capath);
  // mosquitto refuses a TLS listener without its certificate and key, and certificate checks need a CA.
  const missing = [['cafile or capath', cafile], ['certfile', node.certfile], ['keyfile', node.keyfile]].filter(([, v]) => !v).map(([k]) => k);
  if (missing.length > 0) throw new Error(`${file}: missing ${missing.join(', ')} (the broker only serves TLS)`);
  return {
    source: file,
    port: node.port ?? MOSQUITTO_TLS_PORT,
    ...(node.bindAddress !== undefined ? { bindAddress: node.bindAddress } : {}),
    cafile: cafile!,
    certfile: node.certfile!,
    keyfile: node.keyfile!,
    ...(node.crlfile ? { crlfile: node.crlfile } : {}),
    requireCertificate: node.requireCertificate,
    tlsVersion: node.tlsVersion,
    ...(node.ciphers !== undefined ? { ciphers: node.ciphers } : {}),
    ...(node.ciphersTls13 !== undefined ? { ciphersTls13: node.ciphersTls13 } : {}),
    useIdentityAsUsername: node.useIdentityAsUsername,
    useSubjectAsUsername: node.useSubjectAsUsername,
    allowAnonymous: global.allowAnonymous,
    ...(global.acl ? { acl: global.acl } : {}),
    ...(global.maxPacketSize !== undefined ? { maxPacketSize: global.maxPacketSize } : {}),
    ...(global.messageSizeLimit !== undefined ? { messageSizeLimit: global.messageSizeLimit } : {}),
    ...(global.maxKeepalive !== undefined ? { maxKeepalive: global.maxKeepalive } : {}),
    ...(node.maxConnections !== undefined ? { maxConnections: node.maxConnections } : {}),
    ...(global.maxQueuedMessages !== undefined ? { maxQueuedMessages: global.maxQueuedMessages } : {}),
    ...(global.maxQueuedBytes !== undefined ? { maxQueuedBytes: global.maxQueuedBytes } : {}),
    noEffect: global.noEffect,
  };
}

/** capath: every file in the folder holding PEM certificates (c_rehash links included). */
function readCapath(dir: string, fail: (msg: string) => never): string {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    return fail(`capath: cannot read ${dir}: ${errText(e)}`);
  }
  const pems = names
    .map((n) => join(dir, n))
    .filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile())
    .map((p) => readFileSync(p, 'utf8'))
    .filter((t) => t.includes('-----BEGIN CERTIFICATE-----'));
  if (pems.length === 0) fail(`capath: no PEM certificate in ${dir}`);
  return pems.join('\n');
}

function mergeCas(cafile: PemFile | undefined, capath: PemFile | undefined): PemFile | undefined {
  if (!cafile || !capath) return cafile ?? capath;
  return { path: `${cafile.path} + ${capath.path}`, pem: `${cafile.pem}\n${capath.pem}` };
}

/** One line naming the directives that have no effect here, or null when there are none. */
export function noEffectNotice(c: BrokerConfig): string | null {
  if (c.noEffect.length === 0) return null;
  const names = c.noEffect.map((n) => `${n.directive} (${n.file === c.source ? '' : `${n.file}:`}line ${n.line})`);
  return `${c.source ?? 'mosquitto.conf'}: loaded; no effect in the emulator: ${names.join(', ')}`;
}

export function loadMosquittoConf(path: string): BrokerConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${path}: cannot read broker configuration: ${errText(e)}`);
  }
  return parseMosquittoConf(text, path);
}

/** The limits a conf sets, in the broker's terms (limits.ts); what it leaves out keeps mosquitto's default. */
export function confLimits(c: BrokerConfig): Partial<BrokerLimits> {
  return {
    ...(c.maxPacketSize !== undefined ? { maxPacketSize: c.maxPacketSize } : {}),
    ...(c.messageSizeLimit !== undefined ? { messageSizeLimit: c.messageSizeLimit } : {}),
    ...(c.maxConnections !== undefined ? { maxConnections: c.maxConnections } : {}),
    ...(c.maxQueuedMessages !== undefined ? { maxQueuedMessages: c.maxQueuedMessages } : {}),
    ...(c.maxQueuedBytes !== undefined ? { maxQueuedBytes: c.maxQueuedBytes } : {}),
  };
}
