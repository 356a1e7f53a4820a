// The subset of mosquitto.conf (mosquitto 2.0, man 5 mosquitto.conf) that the
// node's broker uses. Anything else is an error with file:line: a directive we
// silently ignored could change security behaviour without anyone noticing.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseAcl, type AclRules } from './acl.ts';

/** PEM text and where it came from (a path, or '<inline>' when built in code). */
export interface PemFile {
  path: string;
  pem: string;
}

export type TlsVersion = 'tlsv1.1' | 'tlsv1.2' | 'tlsv1.3';

export interface BrokerConfig {
  /** The conf file this came from, if any. */
  source?: string;
  /** `listener <port> [bind address]`; mosquitto's TLS default is 8883. */
  port: number;
  bindAddress?: string;
  cafile: PemFile;
  certfile: PemFile;
  keyfile: PemFile;
  crlfile?: PemFile;
  /** `require_certificate`, mosquitto default false. */
  requireCertificate: boolean;
  /** `tls_version`: the lowest protocol version accepted (mosquitto 2.0 semantics). */
  tlsVersion: TlsVersion;
  /** `use_identity_as_username`: the client certificate CN replaces the CONNECT user name. */
  useIdentityAsUsername: boolean;
  /** `allow_anonymous`, mosquitto 2.0 default false. */
  allowAnonymous: boolean;
  /** `acl_file`; without one every authenticated client may read and write everything. */
  acl?: AclRules;
}

export const MOSQUITTO_TLS_PORT = 8883;

const BOOL: Record<string, boolean> = { true: true, false: false };

/** Parses mosquitto.conf text; relative paths resolve against `baseDir` (default: the file's directory). */
export function parseMosquittoConf(text: string, file: string, baseDir = dirname(resolve(file))): BrokerConfig {
  const seen: Partial<Record<string, number>> = {};
  let port: number | undefined;
  let bindAddress: string | undefined;
  let cafile: PemFile | undefined;
  let certfile: PemFile | undefined;
  let keyfile: PemFile | undefined;
  let crlfile: PemFile | undefined;
  let requireCertificate = false;
  let tlsVersion: TlsVersion = 'tlsv1.2';
  let useIdentityAsUsername = false;
  let allowAnonymous = false;
  let acl: AclRules | undefined;

  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const where = `${file}:${i + 1}`;
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [key, ...args] = line.split(/\s+/);
    const directive = key!;
    const arg = args.join(' ');
    const one = (): string => {
      if (args.length !== 1) throw new Error(`${where}: '${directive}' takes exactly one value, got ${args.length}`);
      return args[0]!;
    };
    const bool = (): boolean => {
      const v = BOOL[one()];
      if (v === undefined) throw new Error(`${where}: '${directive}' must be true or false, got '${arg}'`);
      return v;
    };
    const pem = (): PemFile => {
      const path = resolve(baseDir, one());
      try {
        return { path, pem: readFileSync(path, 'utf8') };
      } catch (e) {
        throw new Error(`${where}: ${directive}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
    };
    if (seen[directive] !== undefined && directive !== 'listener') {
      throw new Error(`${where}: '${directive}' repeated (first at line ${seen[directive]})`);
    }
    seen[directive] = i + 1;
    switch (directive) {
      case 'listener':
      case 'port': {
        if (port !== undefined) throw new Error(`${where}: only one listener is supported`);
        if (args.length < 1 || args.length > (directive === 'listener' ? 2 : 1)) {
          throw new Error(`${where}: usage: ${directive === 'listener' ? 'listener <port> [bind address]' : 'port <port>'}`);
        }
        const p = Number(args[0]);
        if (!Number.isInteger(p) || p < 0 || p > 65535) throw new Error(`${where}: invalid port '${args[0]}'`);
        port = p;
        bindAddress = args[1];
        break;
      }
      case 'cafile': cafile = pem(); break;
      case 'certfile': certfile = pem(); break;
      case 'keyfile': keyfile = pem(); break;
      case 'crlfile': crlfile = pem(); break;
      case 'require_certificate': requireCertificate = bool(); break;
      case 'use_identity_as_username': useIdentityAsUsername = bool(); break;
      case 'allow_anonymous': allowAnonymous = bool(); break;
      case 'tls_version': {
        const v = one();
        if (v !== 'tlsv1.1' && v !== 'tlsv1.2' && v !== 'tlsv1.3') {
          throw new Error(`${where}: tls_version must be tlsv1.3, tlsv1.2 or tlsv1.1, got '${v}'`);
        }
        tlsVersion = v;
        break;
      }
      case 'acl_file': {
        const path = resolve(baseDir, one());
        let aclText: string;
        try {
          aclText = readFileSync(path, 'utf8');
        } catch (e) {
          throw new Error(`${where}: acl_file: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
        }
        acl = parseAcl(aclText, path);
        break;
      }
      default:
        throw new Error(`${where}: unsupported directive '${directive}' (esphil's broker understands listener, port, cafile, certfile, keyfile, crlfile, require_certificate, tls_version, use_identity_as_username, allow_anonymous, acl_file)`);
    }
  }
  // mosquitto refuses a TLS listener without its certificate and key, and certificate checks need a CA.
  const missing = [['cafile', cafile], ['certfile', certfile], ['keyfile', keyfile]].filter(([, v]) => !v).map(([k]) => k);
  if (missing.length > 0) throw new Error(`${file}: missing ${missing.join(', ')} (the broker only serves TLS)`);
  return {
    source: file,
    port: port ?? MOSQUITTO_TLS_PORT,
    ...(bindAddress !== undefined ? { bindAddress } : {}),
    cafile: cafile!,
    certfile: certfile!,
    keyfile: keyfile!,
    ...(crlfile ? { crlfile } : {}),
    requireCertificate,
    tlsVersion,
    useIdentityAsUsername,
    allowAnonymous,
    ...(acl ? { acl } : {}),
  };
}

export function loadMosquittoConf(path: string): BrokerConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${path}: cannot read broker configuration: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return parseMosquittoConf(text, path);
}
