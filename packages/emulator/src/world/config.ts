// Everything a world needs to exist, resolved to contents (no paths left):
// built from a scenario's `node:` section or the CLI's flags by resolve.ts.
export interface WorldConfig {
  /** Intel HEX text of the AVR firmware and where it came from (for error messages). */
  avrHex: { text: string; file: string };
  /** What the node's sketch was built with. */
  wifi: { ssid: string; psk: string };
  /** What the access point really has. */
  ap: { ssid: string; psk: string };
  node: { caPem: string; certPem: string; keyPem: string; brokerHost: string };
  operator: { caPem: string; certPem: string; keyPem: string };
  /** mosquitto.conf of the broker, with its path (relative paths inside resolve against it). */
  brokerConf: string;
  debug: boolean;
  zoneWalk: boolean;
  startUtcMs: number;
  ntp: { delayNs: bigint; respond: boolean };
  transport: 'memory' | 'tcp';
  millisAtBoot?: number;
}
