// The irrigation sketch (DESIGN.md "The node being emulated"): setup() joins Wi-Fi and
// starts SNTP; loop() waits for the clock, keeps MQTT over TLS up and runs the zone timers.
import type { SketchConfig } from '../contract.ts';
import type { Cpu } from '../core/cpu.ts';
import type { EspClass } from '../core/esp.ts';
import { HIGH, INPUT, LOW, OUTPUT, PIN_AVR_RESET, PIN_REQUEST, PIN_SS, type Gpio } from '../core/gpio.ts';
import type { HardwareSerial } from '../core/serial.ts';
import type { SystemTime, SntpClient } from '../core/sntp.ts';
import { MSBFIRST, SPI_MODE0, SPISettings, type SPIClass } from '../core/spi.ts';
import { WIFI_STA, WL_CONNECTED, type ESP8266WiFiClass } from '../core/wifi.ts';
import type { WiFiClientSecure } from '../bearssl/wifi-client-secure.ts';
import type { PubSubClient } from '../pubsub/pubsub-client.ts';
import { ArduinoString } from './arduino-string.ts';
import { AsyncWait } from './async-wait.ts';
import { parseZoneCommand } from './zone-command.ts';
import { ZONE_COUNT, Zones } from './zones.ts';

export const MQTT_CLIENT_ID = 'sec_mqtt_client_00_03';
export const TOPIC_ZONE_ON = 'irrigation/zone/on';
export const TOPIC_ZONE_OFF = 'irrigation/zone/off';
export const TOPIC_ZONE_STATUS = 'irrigation/zone/status';
export const MQTT_PORT = 8883;
/** time(nullptr) >= 8*3600*2: the clock is taken as set once it is past 16 h after the epoch. */
export const CLOCK_GATE_SECONDS = 8 * 3600 * 2;
export const RECONNECT_INTERVAL_MS = 5000;
export const CLOCK_DOT_INTERVAL_MS = 1000;
export const WIFI_FAIL_RESTART_DELAY_MS = 5000;
export const ZONE_WALK_STEP_MS = 1000;
export const RELAY_SPI = new SPISettings(2_000_000, MSBFIRST, SPI_MODE0);
export const NTP_SERVERS = ['pool.ntp.org', 'time.nist.gov', 'time.windows.com'] as const;

export interface SketchEnv {
  cpu: Cpu;
  gpio: Gpio;
  spi: SPIClass;
  serial: HardwareSerial;
  wifi: ESP8266WiFiClass;
  time: SystemTime;
  sntp: SntpClient;
  client: WiFiClientSecure;
  pubsub: PubSubClient;
  esp: EspClass;
}

export class IrrigationSketch {
  readonly zones = new Zones();
  private readonly dotWait = new AsyncWait();
  private readonly reconnectWait = new AsyncWait();
  private readonly debug: boolean;
  private clockReported = false;

  constructor(
    private readonly env: SketchEnv,
    private readonly cfg: SketchConfig,
  ) {
    this.debug = cfg.debug ?? true;
  }

  private log(text: string, newline = true): void {
    if (!this.debug) return;
    if (newline) this.env.serial.println(text);
    else this.env.serial.print(text);
  }

  private millis(): number {
    return this.env.cpu.millis();
  }

  async setup(): Promise<void> {
    const { gpio, spi, serial, wifi, sntp, client, pubsub, cpu } = this.env;
    serial.begin(115200);
    this.log('');
    this.log('Booting');
    // Latch HIGH before enabling the drivers so SS and the AVR reset never glitch low.
    gpio.digitalWrite(PIN_SS, HIGH);
    gpio.pinMode(PIN_SS, OUTPUT);
    gpio.digitalWrite(PIN_AVR_RESET, HIGH);
    gpio.pinMode(PIN_AVR_RESET, OUTPUT);
    gpio.pinMode(PIN_REQUEST, INPUT);
    spi.begin();
    this.updateRelays();
    if (this.cfg.zoneWalk) await this.zoneWalk();

    wifi.mode(WIFI_STA);
    wifi.begin(this.cfg.ssid, this.cfg.psk);
    const result = await wifi.waitForConnectResult();
    if (result !== WL_CONNECTED) {
      this.log(`WiFi Connect Failed! status=${result} Rebooting...`);
      await cpu.delay(WIFI_FAIL_RESTART_DELAY_MS);
      this.env.esp.restart(`Wi-Fi connect result ${result}`);
    }
    this.log(`WiFi connected, IP address: ${wifi.localIP()}`);
    this.log(`Free heap: ${this.env.esp.getFreeHeap()}`);
    sntp.configTime(0, 0, ...NTP_SERVERS);

    client.setTrustAnchors(this.cfg.caPem);
    client.setClientRSACert(this.cfg.certPem, this.cfg.keyPem);
    pubsub.setServer(this.cfg.brokerHost, this.cfg.brokerPort ?? MQTT_PORT);
    pubsub.setCallback((topic, payload, length) => this.callback(topic, payload, length));
    this.log('Waiting for NTP time sync', false);
  }

  async loop(): Promise<void> {
    const { time, pubsub } = this.env;
    if (time.time() < CLOCK_GATE_SECONDS) {
      if (!this.dotWait.isWaiting(this.millis())) {
        this.log('.', false);
        this.dotWait.startWaiting(this.millis(), CLOCK_DOT_INTERVAL_MS);
      }
      return;
    }
    if (!this.clockReported) {
      this.clockReported = true;
      this.log('');
      this.log(`Current time: ${new Date(time.time() * 1000).toUTCString()}`);
    }
    if (!pubsub.connected()) {
      const now = this.millis();
      if (!this.reconnectWait.isWaiting(now)) {
        this.reconnectWait.startWaiting(now, RECONNECT_INTERVAL_MS);
        await this.reconnect();
      }
    } else {
      await pubsub.loop();
    }
    const expired = this.zones.update(this.millis());
    if (expired.length) {
      for (const zone of expired) this.log(`Zone ${zone} off (timer)`);
      this.updateRelays();
    }
  }

  private async reconnect(): Promise<void> {
    const { pubsub, client } = this.env;
    this.log('Attempting MQTT connection...', false);
    if (await pubsub.connect(MQTT_CLIENT_ID)) {
      this.log('connected');
      pubsub.subscribe(TOPIC_ZONE_ON);
      pubsub.subscribe(TOPIC_ZONE_OFF);
      pubsub.subscribe(TOPIC_ZONE_STATUS);
    } else {
      this.log(`failed, rc=${pubsub.state()} SSL error=${client.getLastSSLError()}; retry in 5 seconds`);
    }
  }

  callback(topic: string, payload: Uint8Array, length: number): void {
    this.log(`Message arrived [${topic}] ${ArduinoString.fromBytes(payload, length).toString()}`);
    if (topic !== TOPIC_ZONE_ON) return; // off and status are accepted and do nothing
    const cmd = parseZoneCommand(payload, length);
    let changed = false;
    if (cmd.action === 'on') {
      this.log(`Zone ${cmd.zone} on for ${cmd.seconds} s`);
      changed = this.zones.turnOn(cmd.zone, cmd.durationMs, this.millis());
    } else if (cmd.action === 'off') {
      this.log(`Zone ${cmd.zone} off`);
      changed = this.zones.turnOff(cmd.zone);
    }
    if (changed) this.updateRelays();
  }

  /** One SPI byte to the AVR: bit n low = relay n energised. */
  updateRelays(): void {
    const { gpio, spi } = this.env;
    const out = (this.zones.bitmap() ^ 0xff) & 0xff;
    spi.beginTransaction(RELAY_SPI);
    gpio.digitalWrite(PIN_SS, LOW);
    spi.transfer(out);
    gpio.digitalWrite(PIN_SS, HIGH);
    spi.endTransaction();
  }

  /** DEBUG start-up check: each relay on in turn, then all off. */
  private async zoneWalk(): Promise<void> {
    for (let zone = 0; zone < ZONE_COUNT; zone++) {
      this.log(`Zone walk: zone ${zone}`);
      this.zones.turnOn(zone, ZONE_WALK_STEP_MS, this.millis());
      this.updateRelays();
      await this.env.cpu.delay(ZONE_WALK_STEP_MS);
    }
    this.zones.allOff();
    this.updateRelays();
  }

  /** Earliest time loop() has timer work; I/O wakes it separately. */
  idleWakeNs(): bigint | null {
    const { cpu, time, pubsub } = this.env;
    const now = this.millis();
    const cands: (bigint | null)[] = [];
    const after = (ms: number | null) => (ms === null ? null : cpu.nsAfterMillis(ms));
    if (time.time() < CLOCK_GATE_SECONDS) {
      cands.push(after(this.dotWait.remaining(now) ?? 0), time.nsAtTime(CLOCK_GATE_SECONDS));
    } else {
      if (!this.clockReported) cands.push(cpu.now());
      const mq = pubsub.nextWakeNs();
      cands.push(mq ?? after(this.reconnectWait.remaining(now) ?? 0));
      cands.push(after(this.zones.nextDeadlineMs(now)));
    }
    let best: bigint | null = null;
    for (const c of cands) if (c !== null && (best === null || c < best)) best = c;
    return best;
  }
}
