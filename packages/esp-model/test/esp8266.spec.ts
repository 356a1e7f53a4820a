import { describe, expect, it } from 'vitest';
import { MQTT_CONNECTED } from '../src/pubsub/constants.ts';
import { PIN_SS } from '../src/core/gpio.ts';
import { SPI_TRANSFER_SETUP_NS } from '../src/core/spi.ts';
import { WIFI_JOIN_MS, WL_CONNECTED } from '../src/core/wifi.ts';
import { SNTP_RECV_TIMEOUT_MS } from '../src/core/sntp.ts';
import { BR_ERR_X509_EXPIRED } from '../src/bearssl/errors.ts';
import { FakeWorld } from './helpers/world.ts';
import { Esp8266 } from '../src/esp8266.ts';

const MS = 1_000_000n;

describe('Esp8266 options', () => {
  it('refuses unusable configuration up front, naming the field', () => {
    const ok = new FakeWorld();
    const base = (ok.esp as unknown as { opts: ConstructorParameters<typeof Esp8266>[0] }).opts;
    expect(() => new Esp8266({ ...base, millisAtBoot: 2 ** 32 })).toThrow(/millisAtBoot/);
    expect(() => new Esp8266({ ...base, sketch: { ...base.sketch, caPem: 'garbage' } })).toThrow(/sketch\.caPem: no PEM CERTIFICATE/);
    expect(() => new Esp8266({ ...base, sketch: { ...base.sketch, keyPem: 'garbage' } })).toThrow(/sketch\.keyPem/);
    expect(() => new Esp8266({ ...base, sketch: { ...base.sketch, brokerPort: 0 } })).toThrow(/brokerPort/);
    expect(() => new Esp8266({ ...base, sketch: { ...base.sketch, ssid: '' } })).toThrow(/sketch\.ssid/);
  });
});

describe('Esp8266 board running the irrigation sketch', () => {
  it('joins Wi-Fi, syncs the clock, connects MQTT over TLS and subscribes QoS 0 to its topics', async () => {
    const w = new FakeWorld();
    w.esp.powerOn();
    await w.untilSubscribed();
    const b = w.broker();
    expect(b.received[0]).toMatchObject({ cmd: 'connect', clientId: 'sec_mqtt_client_00_03', keepalive: 15, clean: true });
    expect(b.received.filter((p) => p.cmd === 'subscribe').map((p) => (p as { subscriptions: unknown[] }).subscriptions)).toEqual([
      [{ topic: 'irrigation/zone/on', qos: 0 }],
      [{ topic: 'irrigation/zone/off', qos: 0 }],
      [{ topic: 'irrigation/zone/status', qos: 0 }],
    ]);
    const s = w.esp.snapshot();
    expect(s.mqttState).toBe(MQTT_CONNECTED);
    expect(s.wifiStatus).toBe(WL_CONNECTED);
    expect(s.freeHeap).toBeLessThan(20 * 1024);
    expect(w.events.filter((e) => e.what === 'esp-boot').map((e) => e.detail)).toEqual([{ boot: 1, reason: 'power-on', freeHeap: expect.any(Number) }]);
    expect(w.lines().slice(0, 4)).toEqual(['', 'MAC 5c:cf:7f:0:0:3', 'Connecting to irrigation', '']);
    expect(w.serialAt(/^WiFi connected$/)!.tNs).toBe(2000n * MS); // the 2 s join, as a number: changing WIFI_JOIN_MS fails here
    expect(w.lines()).toContain('IP 10.0.0.23');
    expect(w.esp.faults()).toEqual([]);
  });

  it('holds MQTT back behind the clock gate until SNTP answers, logging a dot a second', async () => {
    const w = new FakeWorld();
    w.ntpAnswers = false;
    w.esp.powerOn();
    await w.run(40_000);
    expect(w.net.attempts).toEqual([]);
    expect(w.esp.snapshot().time).toBeLessThan(8 * 3600 * 2);
    // lwIP SNTP rotates through the three servers, one per receive timeout.
    expect(w.ntpRequests.map((r) => r.server)).toEqual(['pool.ntp.org', 'time.nist.gov', 'time.windows.com']);
    expect(w.ntpRequests[1]!.tNs - w.ntpRequests[0]!.tNs).toBe(BigInt(SNTP_RECV_TIMEOUT_MS) * MS);
    w.ntpAnswers = true;
    await w.untilSubscribed();
    // setupWifi() prints "Ready." right after setClock()'s "Waiting for NTP time sync: ".
    const i = w.lines().indexOf('Waiting for NTP time sync: Ready.');
    expect(i).toBeGreaterThan(0);
    expect(w.lines()[i + 1]).toMatch(/^\.{40,}$/);
    expect(w.lines()[i + 2]).toMatch(/^Current time: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d 20\d\d$/);
    expect(w.lines()[i + 3]).toBe(''); // asctime()'s own '\n' before println's
    expect(w.net.attempts[0]).toEqual({ host: 'broker.local', port: 8883 });
    expect(w.esp.snapshot().time).toBeGreaterThan(1_700_000_000);
  });

  it('turns zone 2 on for 120 s over SPI: SS low, 0xFB at 2 MHz MSB first mode 0, SS high 4 us later', async () => {
    const w = new FakeWorld();
    w.esp.powerOn();
    await w.untilSubscribed();
    const spiBefore = w.spi.length;
    w.broker().publish('irrigation/zone/on', '2 120');
    await w.run(5_000, () => w.spi.length > spiBefore);
    const x = w.spi[spiBefore]!;
    expect(x.mosi).toBe(0xfb);
    expect(x.t).toMatchObject({ clockHz: 2_000_000, mode: 0, bitOrder: 'MSBFIRST' });
    const low = w.gpio.filter((g) => g.pin === PIN_SS && g.level === 0).pop()!;
    const high = w.gpio.filter((g) => g.pin === PIN_SS && g.level === 1).pop()!;
    expect(low.tNs).toBeLessThanOrEqual(x.t.startNs);
    expect(high.tNs - x.t.startNs).toBe(4000n);
    const onAt = x.t.startNs;
    expect(w.esp.snapshot().zones[2]).toMatchObject({ on: true });
    await w.run(200_000, () => w.spi.length > spiBefore + 1);
    const off = w.spi[spiBefore + 1]!;
    expect(off.mosi).toBe(0xff);
    const elapsedMs = Number((off.t.startNs - onAt) / MS);
    expect(elapsedMs).toBeGreaterThanOrEqual(120_000);
    expect(elapsedMs).toBeLessThanOrEqual(120_001);
    expect(w.esp.snapshot().zones.every((z) => !z.on)).toBe(true);
    expect(w.serialAt(/^Zone-2 TURN OFF\.$/)!.tNs).toBe(off.t.startNs - SPI_TRANSFER_SETUP_NS);
    const arrived = w.lines().indexOf('Message arrived - [irrigation/zone/on] 2 120');
    expect(w.lines().slice(arrived - 1, arrived + 4)).toEqual([
      '',
      'Message arrived - [irrigation/zone/on] 2 120',
      expect.stringMatching(/^Zones\.turnOn\(\)  zoneIndex=2, duration=120, currentMilliSec=\d+$/),
      'Zone-2 TURN ON for 120 seconds.',
      'updateRelays: 11111011',
    ]);
  });

  it('ignores a payload without both parts ("Invalid Payload!"), and "<zone> 0" turns only an energised zone off', async () => {
    const w = new FakeWorld();
    w.esp.powerOn();
    await w.untilSubscribed();
    const n = w.spi.length;
    w.broker().publish('irrigation/zone/on', '3');
    w.broker().publish('irrigation/zone/on', ' 3 ');
    await w.run(2_000);
    expect(w.lines()).toContain('Invalid Payload! zoneIndexStr=3, durationStr=');
    expect(w.lines().filter((l) => l.startsWith('Invalid Payload!'))).toHaveLength(2);
    expect(w.spi.length).toBe(n); // nothing changed, no SPI byte
    w.broker().publish('irrigation/zone/on', '4 0'); // zone 4 is off already: the bitmap does not change
    await w.run(2_000);
    expect(w.spi.length).toBe(n);
    w.broker().publish('irrigation/zone/on', '4 30');
    await w.run(2_000, () => w.spi.length > n);
    w.broker().publish('irrigation/zone/on', '4 0');
    await w.run(2_000, () => w.spi.length > n + 1);
    expect(w.spi.slice(n).map((x) => x.mosi)).toEqual([0xef, 0xff]);
  });

  it('runs a zone timer across the 49.7-day millis() wrap (one millisecond long, as the sketch counts)', async () => {
    const w = new FakeWorld({ millisAtBoot: 2 ** 32 - 40_000 });
    w.esp.powerOn();
    await w.untilSubscribed();
    expect(w.esp.snapshot().millis).toBeGreaterThan(2 ** 32 - 40_000);
    const n = w.spi.length;
    w.broker().publish('irrigation/zone/on', '5 60');
    await w.run(5_000, () => w.spi.length > n);
    const on = w.spi[n]!;
    expect(on.mosi).toBe(0xff ^ (1 << 5));
    await w.run(120_000, () => w.spi.length > n + 1);
    expect(w.esp.snapshot().millis).toBeLessThan(60_000); // wrapped
    const ms = Number((w.spi[n + 1]!.t.startNs - on.t.startNs) / MS);
    expect(ms).toBeGreaterThanOrEqual(60_001);
    expect(ms).toBeLessThanOrEqual(60_002);
  });

  it('restarts 5 s after a failed Wi-Fi join, rerunning setup() from a clean state', async () => {
    const w = new FakeWorld();
    w.ap.psk = 'changed';
    w.esp.powerOn();
    await w.run(20_000, () => w.esp.snapshot().boots === 2);
    const fail = w.serialAt(/^Connection Failed! Rebooting\.\.\.$/)!;
    expect(fail.tNs).toBe(BigInt(WIFI_JOIN_MS) * MS);
    expect(w.ms - Number(fail.tNs / MS)).toBe(5000);
    expect(w.esp.snapshot().millis).toBe(0);
    expect(w.esp.restarts()).toEqual([`Wi-Fi connect result 6`]);
    w.ap.psk = 'secret';
    await w.untilSubscribed();
    expect(w.events.filter((e) => e.what === 'esp-boot').map((e) => e.detail!.reason)).toEqual(['power-on', 'Wi-Fi connect result 6']);
    expect(w.events.find((e) => e.what === 'esp-wifi-connect-failed')!.detail).toEqual({ status: 6 });
    expect(w.esp.snapshot().boots).toBe(2);
  });

  it('logs the BearSSL error and retries every 5 s when the broker certificate has expired', async () => {
    const w = new FakeWorld({ net: { serverCert: 'broker-expired' } });
    w.esp.powerOn();
    await w.run(60_000, () => w.net.attempts.length === 3);
    expect(w.lines()).toContain('Attempting MQTT connection... try again in 5 seconds.');
    expect(w.events.find((e) => e.what === 'esp-mqtt-connect-failed')!.detail).toMatchObject({ state: -2, sslError: BR_ERR_X509_EXPIRED });
    expect(w.esp.snapshot().lastSSLError).toBe(BR_ERR_X509_EXPIRED);
    const starts = w.serial.filter((l) => l.text.startsWith('Attempting MQTT')).map((l) => Number(l.tNs / MS));
    expect(starts[1]! - starts[0]!).toBe(5000);
    expect(w.net.brokers.every((b) => b.received.length === 0)).toBe(true);
  });

  it('reports a refused CONNECT (CONNACK 5) as rc=5 and retries', async () => {
    const w = new FakeWorld({ net: { broker: { connackCode: 5 } } });
    w.esp.powerOn();
    await w.run(60_000, () => w.net.attempts.length === 2);
    expect(w.lines()).toContain('Attempting MQTT connection... try again in 5 seconds.');
    expect(w.events.find((e) => e.what === 'esp-mqtt-connect-failed')!.detail).toMatchObject({ state: 5, sslError: 0 });
    expect(w.esp.snapshot().mqttState).toBe(5);
    expect(w.net.brokers[0]!.closed).toBe(true);
  });

  it('reconnects MQTT after the access point drops the station', async () => {
    const w = new FakeWorld();
    w.esp.powerOn();
    await w.untilSubscribed();
    const brokers = w.net.brokers.length;
    w.esp.linkLost();
    await w.run(30_000, () => w.net.brokers.length > brokers && w.net.lastBroker!.count('subscribe') === 3);
    expect(w.esp.snapshot().mqttState).toBe(MQTT_CONNECTED);
    expect(w.esp.faults()).toEqual([]);
  });

  it('keeps the connection alive with PINGREQ every 15 s while idle, sleeping in between', async () => {
    const w = new FakeWorld();
    w.esp.powerOn();
    await w.untilSubscribed();
    const b = w.broker();
    await w.run(61_000);
    expect(b.count('pingreq')).toBe(4);
    expect(w.esp.snapshot().mqttState).toBe(MQTT_CONNECTED);
  });

  it('powerOff() closes the broker connection and powerOn() cold-boots', async () => {
    const w = new FakeWorld();
    w.esp.powerOn();
    await w.untilSubscribed();
    const first = w.broker();
    w.esp.powerOff();
    expect(w.esp.nextWakeNs()).toBeNull();
    await w.run(1000, () => first.closed);
    w.esp.powerOn();
    await w.run(60_000, () => w.net.brokers.length === 2 && w.broker().count('subscribe') === 3);
    expect(w.esp.snapshot().boots).toBe(2);
  });

  it('is deterministic: the same inputs give the same serial, GPIO and SPI trace', async () => {
    const trace = async () => {
      const w = new FakeWorld({ startupTest: true });
      w.esp.powerOn();
      await w.untilSubscribed(180_000);
      w.broker().publish('irrigation/zone/on', '4 30');
      await w.run(60_000);
      const fmt = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
      return fmt([w.serial, w.gpio, w.spi]);
    };
    expect(await trace()).toBe(await trace());
  });

  it('walks the zones from loop() once the clock is set: zone n on at n x 1250 ms for 1 s', async () => {
    const w = new FakeWorld({ startupTest: true });
    w.esp.powerOn();
    await w.untilSubscribed();
    await w.run(12_000);
    const bytes = w.spi.map((s) => s.mosi);
    expect(bytes).toEqual([0, 1, 2, 3, 4, 5, 6, 7].flatMap((n) => [0xff ^ (1 << n), 0xff]));
    const t0 = w.spi[0]!.t.startNs;
    w.spi.forEach((s, i) => {
      const n = i >> 1;
      const expected = BigInt(n * 1250 + (i & 1 ? 1000 : 0)) * MS;
      expect(s.t.startNs - t0 - expected).toBeGreaterThanOrEqual(0n);
      expect(s.t.startNs - t0 - expected).toBeLessThan(2n * MS);
    });
  });

  it('sends no SPI byte in setup(): SS becomes an output after Wi-Fi joins, GPIO4 stays an input', async () => {
    const w = new FakeWorld();
    w.esp.powerOn();
    await w.untilSubscribed();
    await w.run(5_000);
    expect(w.spi).toEqual([]);
    expect(w.gpio.some((g) => g.pin === 4)).toBe(false);
    const ss = w.gpio.filter((g) => g.pin === PIN_SS);
    expect(ss[0]!.tNs).toBeGreaterThanOrEqual(BigInt(WIFI_JOIN_MS) * MS);
    expect(ss.at(-1)!.level).toBe(1);
    expect(w.esp.digitalRead(4)).toBe(1); // the board's pull-up on RESET
  });
});
