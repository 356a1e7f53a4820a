import type { OutsideBroker } from './outside-broker.ts';
// Everything a world needs to exist, resolved to contents (no paths left):
// built from a scenario's `node:` section or the CLI's flags by resolve.ts.
import type { AvrElf } from '@esphil/avr-slave';

export interface WorldConfig {
  /** Intel HEX text of the AVR firmware and where it came from (for error messages). */
  avrHex: { text: string; file: string };
  /** An AVR executable to load instead of avrHex (its symbols and lines serve the debugger). */
  avrElf?: { elf: AvrElf; file: string };
  /** What the node's sketch was built with. */
  wifi: { ssid: string; psk: string };
  /** What the access point really has. */
  ap: { ssid: string; psk: string };
  /** otaPublicKeyPem: the sketch is built with the signed AVR update (`node: ota: true`), checking with this key. */
  node: { caPem: string; certPem: string; keyPem: string; brokerHost: string; otaPublicKeyPem?: string };
  /** otaSigningKeyPem: what the operator signs AVR images with (ota-avr). */
  operator: { caPem: string; certPem: string; keyPem: string; otaSigningKeyPem: string };
  /** mosquitto.conf of the broker (relative paths inside resolve against it), and a certificate to serve instead of its certfile/keyfile. */
  broker: { confPath: string; cert?: { path: string; pem: string }; key?: { path: string; pem: string } };
  /** The sketch's DEBUG_LOG serial output. */
  debugLog: boolean;
  /** The DEBUG build's start-up zone walk. */
  startupTest: boolean;
  /** The ESP8266's CPU clock: what the TLS handshake's computing costs scale with. */
  cpuMhz: 80 | 160;
  startUtcMs: number;
  ntp: { delayNs: bigint; respond: boolean };
  transport: 'memory' | 'tcp';
  /** The node's broker is outside the world (mqtts://HOST:PORT); virtual time is then paced to the wall clock. */
  outsideBroker?: OutsideBroker;
  millisAtBoot?: number;
  /** The sketch serves STK500 v1 clients for the AVR (ESP8266AVRISP), handed over by acceptIspClient. */
  ispServer?: boolean;
}
