// The irrigation sketch (secure_esp8266_mqtt_client.ino), read next to the original:
// setup() joins Wi-Fi (SetupWifi) and sets up MQTT and the relay SPI; loop() waits for the
// clock gate, keeps MQTT over TLS up, runs the DEBUG start-up test and the zone timers.
// Serial text is the original's DEBUG_LOG output, verbatim (typos included).
import type { SketchConfig } from '../contract.ts';
import type { Cpu } from '../core/cpu.ts';
import type { EspClass } from '../core/esp.ts';
import { HIGH, INPUT, LOW, OUTPUT, PIN_AVR_RESET, PIN_SS, type Gpio } from '../core/gpio.ts';
import type { HardwareSerial } from '../core/serial.ts';
import type { SystemTime, SntpClient } from '../core/sntp.ts';
import { MSBFIRST, SPI_MODE0, SPISettings, type SPIClass } from '../core/spi.ts';
import type { ESP8266WiFiClass } from '../core/wifi.ts';
import type { WiFiClientSecure } from '../bearssl/wifi-client-secure.ts';
import type { PubSubClient } from '../pubsub/pubsub-client.ts';
import { ArduinoString } from './arduino-string.ts';
import { AsyncWait } from './async-wait.ts';
import type { NodeOta } from './ota/node-ota.ts';
import { DebugLog } from './debug-log.ts';
import { SetupWifi } from './setup-wifi.ts';
import { StartupTest } from './startup-test.ts';
import { durationOf, splitZonePayload, zoneIndexOf } from './zone-command.ts';
import { Zones } from './zones.ts';

export { CLOCK_DOT_INTERVAL_MS, CLOCK_GATE_SECONDS, NTP_SERVERS, WIFI_FAIL_RESTART_DELAY_MS } from './setup-wifi.ts';

/** "sec_mqtt_client_" MAJOR_VER "_" MINOR_VER */
export const MQTT_CLIENT_ID = 'sec_mqtt_client_00_03';
export const TOPIC_ZONE_ON = 'irrigation/zone/on';
export const TOPIC_ZONE_OFF = 'irrigation/zone/off';
export const TOPIC_ZONE_STATUS = 'irrigation/zone/status';
export const MQTT_PORT = 8883;
/** waitToRetry.startWaiting(millis(), 5000), after a failed connect returns, and only then. */
export const RECONNECT_INTERVAL_MS = 5000;
export const SERIAL_BAUD = 115200;
/** spiZoneSettings(2000000, MSBFIRST, SPI_MODE0) */
export const RELAY_SPI = new SPISettings(2_000_000, MSBFIRST, SPI_MODE0);

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
  /** Model-only happenings (free heap, connect failures): trace events, never serial text. */
  trace: (what: string, detail?: Record<string, unknown>) => void;
  /** AVR updates, when the sketch is built with them (off in the original). */
  ota?: NodeOta | null;
}

export class IrrigationSketch {
  readonly zones: Zones;
  private readonly log: DebugLog;
  private readonly setupWifi: SetupWifi;
  private readonly waitToRetry = new AsyncWait();
  private readonly startupTest: StartupTest | null;

  constructor(
    private readonly env: SketchEnv,
    private readonly cfg: SketchConfig,
  ) {
    this.log = new DebugLog(env.serial, cfg.debugLog ?? true);
    this.zones = new Zones(this.log);
    this.startupTest = cfg.startupTest ? new StartupTest(this.zones) : null;
    this.setupWifi = new SetupWifi({ ...env, log: this.log }, cfg.ssid, cfg.psk);
  }

  private millis(): number {
    return this.env.cpu.millis();
  }

  async setup(): Promise<void> {
    const { gpio, spi, serial, client, pubsub } = this.env;
    // "Set programResetPin to high impedance and default its value to HIGH": the board's
    // pull-up holds the AVR's RESET high; the ESP never drives it here.
    gpio.pinMode(PIN_AVR_RESET, INPUT);
    gpio.digitalWrite(PIN_AVR_RESET, HIGH);
    if (this.log.enabled) serial.begin(SERIAL_BAUD);
    // SetupWifi's constructor (a static object) hands the credentials to the secure client.
    client.setTrustAnchors(this.cfg.caPem);
    client.setClientRSACert(this.cfg.certPem, this.cfg.keyPem);
    await this.setupWifi.setupWifi();
    pubsub.setServer(this.cfg.brokerHost, this.cfg.brokerPort ?? MQTT_PORT);
    pubsub.setCallback((topic, payload, length) => this.callback(topic, payload, length));
    // SPI master set-up, last: SS becomes an output only now, and no byte is sent.
    gpio.pinMode(PIN_SS, OUTPUT);
    gpio.digitalWrite(PIN_SS, HIGH);
    spi.begin();
  }

  async loop(): Promise<void> {
    const { pubsub, ota } = this.env;
    // A sketch built without OTA has nothing to wait for here (an await of nothing still yields).
    if (ota) await ota.loop();
    this.setupWifi.loopWifi();
    if (!this.setupWifi.isReadyForProcessing()) return;
    if (!pubsub.connected()) await this.reconnectToMQTT(this.millis());
    await pubsub.loop();
    const now = this.millis();
    if (this.startupTest?.step(now)) this.updateRelays();
    if (this.zones.loop(now)) this.updateRelays();
  }

  private async reconnectToMQTT(currentMilliSec: number): Promise<void> {
    const { pubsub, client, esp, trace } = this.env;
    if (pubsub.connected()) return;
    if (this.waitToRetry.isWaiting(currentMilliSec)) return;
    this.log.log('Attempting MQTT connection...');
    if (await pubsub.connect(MQTT_CLIENT_ID)) {
      this.log.logln('connected');
      trace('esp-heap', { freeHeap: esp.getFreeHeap(), at: 'mqtt-connected' });
      for (const topic of [TOPIC_ZONE_ON, TOPIC_ZONE_OFF, TOPIC_ZONE_STATUS]) {
        pubsub.subscribe(topic);
        this.log.log('Subcribed to: ');
        this.log.logln(topic);
      }
      this.env.ota?.onConnected();
    } else {
      this.log.logln(' try again in 5 seconds.');
      trace('esp-mqtt-connect-failed', {
        state: pubsub.state(),
        sslError: client.getLastSSLError(),
        error: client.getLastSSLErrorText(),
        freeHeap: esp.getFreeHeap(),
      });
      // The wait starts when the failed connect has returned: attempts are spaced by the
      // time the blocking connect took plus 5 s.
      this.waitToRetry.startWaiting(this.millis(), RECONNECT_INTERVAL_MS);
    }
  }

  callback(topic: string, payload: Uint8Array, length: number): void {
    if (this.env.ota?.onMessage(topic, payload.subarray(0, length))) return;
    // topicStr is built up to the topic's NUL; payloadStr takes every byte.
    const topicStr = new ArduinoString(topic);
    const payloadStr = ArduinoString.fromBytes(payload, length);
    this.log.logln('');
    this.log.log('Message arrived - [');
    this.log.log(topicStr.toString());
    this.log.log('] ');
    this.log.logln(payloadStr.toString());
    // callbackZoneOff and callbackZoneStatus are empty in the original.
    if (topicStr.equals(TOPIC_ZONE_ON)) this.callbackZoneOn(payloadStr);
  }

  private callbackZoneOn(payloadStr: ArduinoString): void {
    const currentMilliSec = this.millis();
    const p = splitZonePayload(payloadStr);
    if (p.zoneIndexStr.length() <= 0 || p.durationStr.length() <= 0) {
      this.log.logln(new ArduinoString('Invalid Payload! zoneIndexStr=').concat(p.zoneIndexStr).concat(', durationStr=').concat(p.durationStr).toString());
      return;
    }
    const zoneIndex = zoneIndexOf(p);
    const duration = durationOf(p);
    const changed = duration > 0 ? this.zones.turnOn(zoneIndex, duration, currentMilliSec) : this.zones.turnOff(zoneIndex);
    if (changed) this.updateRelays();
  }

  /** One SPI byte to the AVR: bit n low = relay n energised. */
  updateRelays(): void {
    const bitmap = (this.zones.bitmap() ^ 0xff) & 0xff;
    this.log.log('updateRelays: ');
    this.log.logln(bitmap.toString(2)); // String(bitmap, BIN)
    this.sendRelayByte(bitmap);
  }

  /** SS low, one byte at 2 MHz mode 0, SS high (the AVR update also sends 0xFF: every relay off). */
  sendRelayByte(value: number): void {
    const { gpio, spi } = this.env;
    spi.beginTransaction(RELAY_SPI);
    gpio.digitalWrite(PIN_SS, LOW);
    spi.transfer(value);
    gpio.digitalWrite(PIN_SS, HIGH);
    spi.endTransaction();
  }

  /** Earliest time loop() has timer work; I/O wakes it separately. */
  idleWakeNs(): bigint | null {
    const { cpu, pubsub } = this.env;
    if (!this.setupWifi.isReadyForProcessing()) return this.setupWifi.wakeNs();
    const now = this.millis();
    // Asked several times per world turn: no closures or arrays on this path.
    const mqtt = pubsub.nextWakeNs() ?? cpu.nsAfterMillis(this.waitToRetry.remaining(now) ?? 0);
    const zone = this.zones.nextDeadlineMs(now);
    const test = this.startupTest?.remaining(now) ?? null;
    let best = mqtt;
    if (zone !== null) best = earlier(best, cpu.nsAfterMillis(zone));
    if (test !== null) best = earlier(best, cpu.nsAfterMillis(test));
    return best;
  }
}

function earlier(a: bigint, b: bigint): bigint {
  return b < a ? b : a;
}
