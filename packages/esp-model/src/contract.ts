// The emulator contract: everything the ESP8266 model needs from the world comes
// through these interfaces, so the model never reads the wall clock or opens a socket.
import type { Duplex } from 'node:stream';

/** World time in nanoseconds, monotonic. */
export interface VirtualClock {
  nowNs(): bigint;
}

export type SpiMode = 0 | 1 | 2 | 3;
export type BitOrder = 'MSBFIRST' | 'LSBFIRST';

export interface SpiTransferTiming {
  startNs: bigint;
  clockHz: number;
  mode: SpiMode;
  bitOrder: BitOrder;
}

/** The SPI wires: MOSI byte out, MISO byte back. */
export interface SpiBus {
  transfer(mosi: number, t: SpiTransferTiming): number;
}

export type JoinResult =
  | { ok: true; ip: string; gateway: string; dns: string }
  | { ok: false; reason: 'no-ap' | 'auth' };

/** The world's virtual access point; its link state can change. */
export interface AccessPoint {
  join(ssid: string, psk: string, mac: string): JoinResult;
  readonly up: boolean;
}

/** An NTP server reachable by name; it may never reply. */
export interface NtpServer {
  request(server: string, reply: (utcMs: number) => void): void;
}

export type NetConnectResult = { ok: true; stream: Duplex } | { ok: false; reason: string };

/** DNS + TCP to the world. */
export interface Network {
  connect(host: string, port: number): NetConnectResult;
}

export interface SketchConfig {
  ssid: string;
  psk: string;
  brokerHost: string;
  brokerPort?: number;
  caPem: string;
  certPem: string;
  keyPem: string;
  /** DEBUG_LOG output on Serial (the DEBUG build's logging; default on). */
  debugLog?: boolean;
  /** The DEBUG build's startupTest() zone walk in loop() (default off). */
  startupTest?: boolean;
  /** CPU clock the sketch was built for: 80 (the Arduino IDE's default) or 160 MHz. */
  cpuMhz?: 80 | 160;
  /** ESP8266AVRISP: accept STK500 v1 clients for the AVR on a TCP port (Esp8266.acceptIspClient). */
  ispServer?: boolean;
  /** The signed AVR update over MQTT (docs/ota.md), checked with this ECDSA P-256 public key (PEM). Off when absent. */
  otaPublicKeyPem?: string;
}

export interface EspOptions {
  clock: VirtualClock;
  spi: SpiBus;
  ap: AccessPoint;
  ntp: NtpServer;
  net: Network;
  sketch: SketchConfig;
  /** Lets tests start millis() near the 2^32 wrap. Applies to power-on only; ESP.restart() starts at 0. */
  millisAtBoot?: number;
}
