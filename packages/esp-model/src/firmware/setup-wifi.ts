// SetupWifi.cpp: Wi-Fi join in setup(), then the NTP clock gate in loop(). The gate is
// latched: checkClockStatus() runs only until the first time time(nullptr) >= 16 h, then
// setClock_status becomes SUCCESS and the clock is never looked at again.
import type { Cpu } from '../core/cpu.ts';
import type { EspClass } from '../core/esp.ts';
import type { SntpClient, SystemTime } from '../core/sntp.ts';
import { WIFI_STA, WL_CONNECTED, type ESP8266WiFiClass } from '../core/wifi.ts';
import { asctimeUtc } from '../core/asctime.ts';
import { AsyncWait } from './async-wait.ts';
import type { DebugLog } from './debug-log.ts';

/** time(nullptr) >= 8*3600*2: the clock is taken as set once it is past 16 h after the epoch. */
export const CLOCK_GATE_SECONDS = 8 * 3600 * 2;
export const CLOCK_DOT_INTERVAL_MS = 1000;
export const WIFI_FAIL_RESTART_DELAY_MS = 5000;
export const NTP_SERVERS = ['pool.ntp.org', 'time.nist.gov', 'time.windows.com'] as const;

/** enum status { NOT_STARTED, STARTED, FINISHED, SUCCESS, FAILED }: FINISHED only splits the others. */
const enum ClockStatus {
  NOT_STARTED,
  STARTED,
  FINISHED,
  SUCCESS,
}

export interface SetupWifiEnv {
  cpu: Cpu;
  wifi: ESP8266WiFiClass;
  time: SystemTime;
  sntp: SntpClient;
  esp: EspClass;
  log: DebugLog;
  trace: (what: string, detail?: Record<string, unknown>) => void;
}

export class SetupWifi {
  private status = ClockStatus.NOT_STARTED;
  private readonly clockWait = new AsyncWait();

  constructor(
    private readonly env: SetupWifiEnv,
    private readonly ssid: string,
    private readonly password: string,
  ) {}

  /** String(mac[i], HEX) joined by ':' — lower case, no leading zeros. */
  getMacAddress(): string {
    return this.env.wifi
      .macAddress()
      .split(':')
      .map((b) => parseInt(b, 16).toString(16))
      .join(':');
  }

  async setupWifi(): Promise<void> {
    const { wifi, log, cpu, esp } = this.env;
    log.logln('');
    log.log('MAC ');
    log.logln(this.getMacAddress());
    log.log('Connecting to ');
    log.logln(this.ssid);
    wifi.mode(WIFI_STA);
    wifi.begin(this.ssid, this.password);
    const result = await wifi.waitForConnectResult();
    if (result !== WL_CONNECTED) {
      log.logln('Connection Failed! Rebooting...');
      this.env.trace('esp-wifi-connect-failed', { status: result });
      await cpu.delay(WIFI_FAIL_RESTART_DELAY_MS);
      esp.restart(`Wi-Fi connect result ${result}`);
    }
    log.logln('');
    log.logln('WiFi connected');
    log.log('IP ');
    log.log(wifi.localIP());
    log.logln('');
    this.env.trace('esp-heap', { freeHeap: esp.getFreeHeap(), at: 'wifi-connected' });
    this.setClock();
    log.logln('Ready.');
  }

  private setClock(): void {
    this.env.sntp.configTime(0, 0, ...NTP_SERVERS);
    this.status = ClockStatus.STARTED;
    this.env.log.log('Waiting for NTP time sync: ');
    this.clockWait.startWaiting(this.env.cpu.millis(), CLOCK_DOT_INTERVAL_MS);
  }

  private checkClockStatus(): void {
    const { time, log, cpu } = this.env;
    const now = time.time();
    if (now < CLOCK_GATE_SECONDS) {
      if (!this.clockWait.isWaiting(cpu.millis())) {
        log.log('.');
        this.clockWait.startWaiting(cpu.millis(), CLOCK_DOT_INTERVAL_MS);
      }
      return;
    }
    this.status = ClockStatus.SUCCESS;
    log.logln('');
    log.log('Current time: ');
    log.logln(asctimeUtc(now));
  }

  loopWifi(): void {
    if (this.status < ClockStatus.FINISHED) this.checkClockStatus();
  }

  isReadyForProcessing(): boolean {
    return this.status > ClockStatus.FINISHED;
  }

  /** Earliest instant loopWifi() has work while the gate is closed (a dot, or the gate opening); null once latched. */
  wakeNs(): bigint | null {
    if (this.status !== ClockStatus.STARTED) return null;
    const { cpu, time } = this.env;
    const dot = cpu.nsAfterMillis(this.clockWait.remaining(cpu.millis()) ?? 0);
    const gate = time.nsAtTime(CLOCK_GATE_SECONDS);
    return dot < gate ? dot : gate;
  }
}
