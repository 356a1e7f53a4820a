// ESP8266WiFi station mode against the world's access point.
import type { AccessPoint } from '../contract.ts';
import type { Cpu, TimerHandle } from './cpu.ts';

// wl_status_t (ESP8266WiFi/src/include/wl_definitions.h)
export const WL_IDLE_STATUS = 0;
export const WL_NO_SSID_AVAIL = 1;
export const WL_SCAN_COMPLETED = 2;
export const WL_CONNECTED = 3;
export const WL_CONNECT_FAILED = 4;
export const WL_CONNECTION_LOST = 5;
export const WL_WRONG_PASSWORD = 6;
export const WL_DISCONNECTED = 7;

// WiFiMode_t
export const WIFI_OFF = 0;
export const WIFI_STA = 1;
export const WIFI_AP = 2;
export const WIFI_AP_STA = 3;

/** Scan + association + WPA2 handshake + DHCP, taken as one fixed span so runs are reproducible. */
export const WIFI_JOIN_MS = 2000;
/** The SDK's auto-reconnect pause after a failed attempt. */
export const WIFI_RETRY_MS = 1000;
/** waitForConnectResult() default timeout (ESP8266WiFiSTA.h, core 3.x). */
export const WIFI_CONNECT_RESULT_TIMEOUT_MS = 60_000;

export class ESP8266WiFiClass {
  private wifiMode = WIFI_OFF;
  private st = WL_IDLE_STATUS;
  private ssid = '';
  private psk = '';
  private ip = '0.0.0.0';
  private joinTimer: TimerHandle | null = null;
  private readonly linkListeners: (() => void)[] = [];

  constructor(
    private readonly cpu: Cpu,
    private readonly ap: AccessPoint,
    private readonly mac: string,
  ) {}

  mode(m: number): boolean {
    this.wifiMode = m;
    if ((m & WIFI_STA) === 0) this.dropStation(WL_DISCONNECTED);
    return true;
  }

  getMode(): number {
    return this.wifiMode;
  }

  begin(ssid: string, psk: string): number {
    if ((this.wifiMode & WIFI_STA) === 0) this.wifiMode |= WIFI_STA; // begin() enables STA (ESP8266WiFiSTA::begin)
    this.ssid = ssid;
    this.psk = psk;
    this.dropStation(WL_DISCONNECTED);
    this.scheduleJoin(WIFI_JOIN_MS);
    return this.st;
  }

  status(): number {
    return this.st;
  }

  isConnected(): boolean {
    return this.st === WL_CONNECTED;
  }

  /** Blocks until the status leaves WL_DISCONNECTED, or -1 on timeout (ESP8266WiFiSTA::waitForConnectResult). */
  async waitForConnectResult(timeoutLength = WIFI_CONNECT_RESULT_TIMEOUT_MS): Promise<number> {
    if ((this.wifiMode & WIFI_STA) === 0) return WL_DISCONNECTED;
    const ok = await this.cpu.block(() => this.st !== WL_DISCONNECTED, this.cpu.nsAfterMillis(timeoutLength));
    return ok ? this.st : -1;
  }

  macAddress(): string {
    return this.mac;
  }

  localIP(): string {
    return this.ip;
  }

  /** Called when the station loses its association (sockets die with it). */
  onLinkLost(cb: () => void): void {
    this.linkListeners.push(cb);
  }

  /** The AP dropped the station: the SDK reports the loss and keeps reconnecting. */
  linkLost(): void {
    if (this.st !== WL_CONNECTED) return;
    this.dropStation(WL_DISCONNECTED);
    for (const cb of this.linkListeners) cb();
    this.scheduleJoin(WIFI_JOIN_MS);
    this.cpu.signal();
  }

  private dropStation(status: number): void {
    this.cpu.clearTimer(this.joinTimer);
    this.joinTimer = null;
    this.st = status;
    this.ip = '0.0.0.0';
  }

  private scheduleJoin(afterMs: number): void {
    this.cpu.clearTimer(this.joinTimer);
    this.joinTimer = this.cpu.setTimer(this.cpu.nsAfterMillis(afterMs), () => this.attemptJoin());
  }

  private attemptJoin(): void {
    this.joinTimer = null;
    const r = this.ap.join(this.ssid, this.psk, this.mac);
    if (r.ok) {
      this.st = WL_CONNECTED;
      this.ip = r.ip;
    } else {
      this.st = r.reason === 'no-ap' ? WL_NO_SSID_AVAIL : WL_WRONG_PASSWORD;
      this.scheduleJoin(WIFI_RETRY_MS + WIFI_JOIN_MS); // SDK auto-reconnect
    }
    this.cpu.signal();
  }
}
