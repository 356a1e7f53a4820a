// The default node: bundled AVR firmware, fixture PKI, the node's own broker
// configuration, the access point the sketch was built for.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import type { WorldConfig } from './config.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '../../../..');
export const FIXTURES = join(REPO_ROOT, 'fixtures');
export const PKI = join(FIXTURES, 'pki');
export const BUNDLED_HEX = join(FIXTURES, 'avr', 'relay-slave.hex');
export const BUNDLED_POLL_HEX = join(FIXTURES, 'avr', 'relay-slave-poll.hex');
export const DEFAULT_START_UTC = Date.parse('2026-06-01T05:00:00Z');
export const DEFAULT_SSID = 'irrigation';
export const DEFAULT_PSK = 'irrigation-psk';

/** Reads a file the user named; a missing or unreadable one is unusable input (exit 2). */
export function readInput(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function defaultWorldConfig(overrides: { avrHex?: string } = {}): WorldConfig {
  const pki = (f: string) => readInput(join(PKI, f), 'certificate file');
  const hexFile = overrides.avrHex ?? BUNDLED_HEX;
  const ca = pki('ca.crt');
  return {
    avrHex: { text: readInput(hexFile, 'AVR hex file'), file: hexFile },
    wifi: { ssid: DEFAULT_SSID, psk: DEFAULT_PSK },
    ap: { ssid: DEFAULT_SSID, psk: DEFAULT_PSK },
    node: { caPem: ca, certPem: pki('node.crt'), keyPem: pki('node.key'), brokerHost: 'broker.local' },
    operator: { caPem: ca, certPem: pki('operator.crt'), keyPem: pki('operator.key') },
    broker: { confPath: join(PKI, 'mosquitto.conf') },
    // esphil's node: DEBUG logging, without the start-up test (docs/scenarios.md).
    debugLog: true,
    startupTest: false,
    startUtcMs: DEFAULT_START_UTC,
    ntp: { delayNs: 20_000_000n, respond: true },
    transport: 'memory',
  };
}
