// The default node: bundled AVR firmware, fixture PKI, the node's own broker
// configuration, the access point the sketch was built for.
import { existsSync, readFileSync } from 'node:fs';
import { ElfError, parseElf, type AvrElf } from '@esphil/avr-slave';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { DEFAULT_CPU_MHZ } from '@esphil/esp-model';
import type { WorldConfig } from './config.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '../../../..');
// In this repository the fixtures are read where they are kept; an installed
// package has the copies pnpm build put beside its JavaScript (dist/fixtures).
const REPO_FIXTURES = join(REPO_ROOT, 'fixtures');
export const FIXTURES = existsSync(join(REPO_FIXTURES, 'pki')) ? REPO_FIXTURES : resolve(import.meta.dirname, '../fixtures');
export const PKI = join(FIXTURES, 'pki');
export const BUNDLED_HEX = join(FIXTURES, 'avr', 'relay-slave.hex');
export const BUNDLED_POLL_HEX = join(FIXTURES, 'avr', 'relay-slave-poll.hex');
export const DEFAULT_START_UTC = Date.parse('2026-06-01T05:00:00Z');
/** The OTA signing key pair: the operator signs AVR images, the node (`node: ota: true`) holds the public half. */
export const OTA_SIGNING_KEY = 'ota-signing.key';
export const OTA_PUBLIC_KEY = 'ota-signing.pub';
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

/** Reads an AVR executable the user named; unreadable or not a fitting AVR ELF is unusable input (exit 2). */
export function readElfInput(path: string): { elf: AvrElf; file: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read AVR ELF file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return { elf: parseElf(new Uint8Array(bytes), path), file: path };
  } catch (e) {
    if (e instanceof ElfError) throw new UsageError(`AVR ELF file ${e.message}`);
    throw e;
  }
}

export function defaultWorldConfig(overrides: { avrHex?: string; avrElf?: string } = {}): WorldConfig {
  const pki = (f: string) => readInput(join(PKI, f), 'certificate file');
  const hexFile = overrides.avrHex ?? BUNDLED_HEX;
  const ca = pki('ca.crt');
  return {
    avrHex: { text: readInput(hexFile, 'AVR hex file'), file: hexFile },
    ...(overrides.avrElf ? { avrElf: readElfInput(overrides.avrElf) } : {}),
    wifi: { ssid: DEFAULT_SSID, psk: DEFAULT_PSK },
    ap: { ssid: DEFAULT_SSID, psk: DEFAULT_PSK },
    node: { caPem: ca, certPem: pki('node.crt'), keyPem: pki('node.key'), brokerHost: 'broker.local' },
    operator: { caPem: ca, certPem: pki('operator.crt'), keyPem: pki('operator.key'), otaSigningKeyPem: pki(OTA_SIGNING_KEY) },
    broker: { confPath: join(PKI, 'mosquitto.conf') },
    // esphil's node: DEBUG logging, without the start-up test (docs/scenarios.md).
    debugLog: true,
    startupTest: false,
    cpuMhz: DEFAULT_CPU_MHZ,
    startUtcMs: DEFAULT_START_UTC,
    ntp: { delayNs: 20_000_000n, respond: true },
    transport: 'memory',
  };
}
