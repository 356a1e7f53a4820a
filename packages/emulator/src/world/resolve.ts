// A scenario's `node:` section (or nothing) to a complete WorldConfig: every
// choice the file leaves open takes the default node's value.
import type { NodeConfig } from '../scenario/node-config.ts';
import type { WorldConfig } from './config.ts';
import { join } from 'node:path';
import { BUNDLED_HEX, BUNDLED_POLL_HEX, OTA_PUBLIC_KEY, PKI, defaultWorldConfig, readInput } from './defaults.ts';
import { loadPkiFolder, type PkiFolder } from '@esphil/broker';
import { withPki } from './pki.ts';

/** `overrides.pki` (the --pki flag) wins over the scenario's `pki:`; the scenario's `certs:` win over both. */
export function worldConfigFor(node: NodeConfig, overrides: { avrHex?: string; avrElf?: string; pki?: PkiFolder } = {}): WorldConfig {
  const hex = overrides.avrHex ?? (node.avrHex ? ('file' in node.avrHex ? node.avrHex.file : node.avrHex.bundled === 'poll' ? BUNDLED_POLL_HEX : BUNDLED_HEX) : undefined);
  // A firmware named on the command line replaces the scenario's, whichever form either takes.
  const elf = overrides.avrElf ?? (overrides.avrHex ? undefined : node.avrElf);
  const pki = overrides.pki ?? (node.pki ? loadPkiFolder(node.pki) : undefined);
  const base = withPki(defaultWorldConfig({ avrHex: hex, avrElf: elf }), pki);
  const pem = (path: string | undefined, fallback: string) => (path ? readInput(path, 'certificate file') : fallback);
  const c = node.certs;
  const ca = pem(c.ca, base.node.caPem);
  const wifi = node.wifi ?? base.wifi;
  return {
    ...base,
    wifi,
    ap: node.ap ?? wifi,
    node: {
      ...base.node,
      caPem: ca,
      certPem: pem(c.cert, base.node.certPem),
      keyPem: pem(c.key, base.node.keyPem),
      ...(node.ota ? { otaPublicKeyPem: c.otaPublicKey ? readInput(c.otaPublicKey, 'key file') : (pki?.ota?.publicPem ?? readInput(join(PKI, OTA_PUBLIC_KEY), 'key file')) } : {}),
    },
    operator: {
      caPem: ca,
      certPem: pem(c.operatorCert, base.operator.certPem),
      keyPem: pem(c.operatorKey, base.operator.keyPem),
      otaSigningKeyPem: pem(c.otaSigningKey, base.operator.otaSigningKeyPem),
    },
    broker: {
      confPath: node.brokerConfig ?? base.broker.confPath,
      ...(c.brokerCert ? { cert: { path: c.brokerCert, pem: readInput(c.brokerCert, 'certificate file') } } : {}),
      ...(c.brokerKey ? { key: { path: c.brokerKey, pem: readInput(c.brokerKey, 'key file') } } : {}),
    },
    // `build:` sets both; `debug-log` / `startup-test` override it one at a time.
    debugLog: node.debugLog ?? (node.build ? node.build === 'debug' : base.debugLog),
    startupTest: node.startupTest ?? (node.build ? node.build === 'debug' : base.startupTest),
    cpuMhz: node.cpuMhz ?? base.cpuMhz,
    startUtcMs: node.utcMs ?? base.startUtcMs,
    ntp: { delayNs: node.ntp?.delayNs ?? base.ntp.delayNs, respond: node.ntp?.respond ?? base.ntp.respond },
    transport: node.transport ?? base.transport,
    ...(node.outsideBroker ? { outsideBroker: node.outsideBroker } : {}),
    ...(node.millisAtBoot !== undefined ? { millisAtBoot: node.millisAtBoot } : {}),
  };
}
