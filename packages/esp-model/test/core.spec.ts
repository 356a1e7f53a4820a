import { describe, expect, it } from 'vitest';
import { Gpio, HIGH, INPUT_PULLUP, LOW, OUTPUT, type Level } from '../src/core/gpio.ts';
import { Heap } from '../src/core/heap.ts';
import { HardwareSerial, type SerialLine } from '../src/core/serial.ts';
import { SNTP_RECV_TIMEOUT_MS, SNTP_UPDATE_DELAY_MS, SntpClient, SystemTime } from '../src/core/sntp.ts';
import { LSBFIRST, SPIClass, SPISettings, SPI_MODE3, spiActualClock, type SpiTransferTiming } from '../src/index.ts';
import {
  ESP8266WiFiClass,
  WIFI_CONNECT_RESULT_TIMEOUT_MS,
  WIFI_JOIN_MS,
  WIFI_STA,
  WL_CONNECTED,
  WL_DISCONNECTED,
  WL_NO_SSID_AVAIL,
  WL_WRONG_PASSWORD,
} from '../src/core/wifi.ts';
import { CpuHarness } from './helpers/cpu-driver.ts';
import { FakeAp } from './helpers/world.ts';

const MS = 1_000_000n;

describe('millis() / micros() / time()', () => {
  it('wrap as unsigned 32-bit counters', () => {
    const h = new CpuHarness(2n ** 32n - 2n);
    expect(h.cpu.millis()).toBe(2 ** 32 - 2);
    h.nowNs = 3n * MS;
    expect(h.cpu.millis()).toBe(1);
    h.nowNs = 0n;
    const h2 = new CpuHarness();
    h2.nowNs = 4_294_967_296_000n + 5000n; // 2^32 us + 5 us
    expect(h2.cpu.micros()).toBe(5);
  });

  it('millis() and nsAfterMillis() follow the CPU clock however often they are asked', () => {
    const h = new CpuHarness(10n);
    h.nowNs = 2_500_000n; // 2.5 ms after boot: millis() reads 12
    expect(h.cpu.millis()).toBe(12);
    expect(h.cpu.nsAfterMillis(0)).toBe(2n * MS);
    expect(h.cpu.nsAfterMillis(3)).toBe(5n * MS);
    expect(h.cpu.nsAfterMillis(0.2)).toBe(3n * MS); // a fraction waits for the next whole millisecond
    expect(h.cpu.nsAfterMillis(-4)).toBe(2n * MS);
    h.cpu.advance(600_000n); // the CPU's own busy time moves it, world time or not
    expect(h.cpu.millis64()).toBe(13n);
    expect(h.cpu.nsAfterMillis(1)).toBe(4n * MS);
    h.nowNs = 9_999_999n;
    expect(h.cpu.millis()).toBe(19);
    expect(h.cpu.nsAfterMillis(0)).toBe(9n * MS);
    expect(h.cpu.nsAtMillis64(h.cpu.millis64() + 1n)).toBe(10n * MS);
  });

  it('time() counts from 0 at boot until set, then follows the SNTP answer', () => {
    const h = new CpuHarness();
    const t = new SystemTime(h.cpu);
    h.nowNs = 59_999n * MS;
    expect(t.time()).toBe(59);
    t.settimeofday(1_780_272_000_500);
    h.nowNs += 1_500n * MS;
    expect(t.time()).toBe(1_780_272_002);
    expect(t.nsAtTime(1_780_272_003)).toBe(h.nowNs + 1000n * MS);
  });

  it('delay() blocks the sketch for exactly the requested milliseconds', async () => {
    const h = new CpuHarness();
    await h.run(h.cpu.delay(5000));
    expect(h.ms).toBe(5000);
  });
});

describe('GPIO', () => {
  it('emits level changes of outputs with the CPU time and reads outside drivers on inputs', () => {
    const h = new CpuHarness();
    const ext = new Map<number, Level>();
    const seen: [number, Level][] = [];
    const g = new Gpio(h.cpu, ext, (pin, level) => seen.push([pin, level]));
    g.digitalWrite(16, HIGH);
    g.pinMode(16, OUTPUT);
    g.digitalWrite(16, HIGH);
    g.digitalWrite(16, LOW);
    expect(seen).toEqual([
      [16, 1],
      [16, 0],
    ]);
    g.pinMode(5, INPUT_PULLUP);
    expect(g.digitalRead(5)).toBe(1);
    ext.set(5, 0);
    expect(g.digitalRead(5)).toBe(0);
    expect(() => g.digitalWrite(17, 1)).toThrow(/GPIO17 does not exist/);
  });
});

describe('SPI master', () => {
  it('passes mode, bit order, clock and start time to the bus and spends 8 clocks per byte', () => {
    const h = new CpuHarness();
    const seen: { mosi: number; t: SpiTransferTiming }[] = [];
    const spi = new SPIClass(h.cpu, { transfer: (mosi, t) => (seen.push({ mosi, t }), 0xa5) });
    expect(() => spi.transfer(1)).toThrow(/before SPI.begin/);
    spi.begin();
    spi.beginTransaction(new SPISettings(2_000_000, LSBFIRST, SPI_MODE3));
    h.nowNs = 1000n;
    expect(spi.transfer(0x12)).toBe(0xa5);
    expect(spi.transfer(0x34)).toBe(0xa5);
    // Each transfer spends SPI_TRANSFER_SETUP_NS on register set-up before its first clock.
    expect(seen.map((s) => s.t.startNs)).toEqual([2000n, 7000n]);
    expect(seen[0]!.t).toMatchObject({ clockHz: 2_000_000, mode: 3, bitOrder: 'LSBFIRST' });
    expect(h.cpu.now()).toBe(11000n);
    expect(() => spi.transfer(256)).toThrow(/out of range/);
  });

  it('rounds the clock down to what the 80 MHz divider can make', () => {
    expect(spiActualClock(2_000_000)).toBe(2_000_000);
    expect(spiActualClock(3_000_000)).toBeCloseTo(80e6 / 27);
  });
});

describe('Wi-Fi station', () => {
  async function join(ap: FakeAp, psk = 'secret', timeoutMs?: number) {
    const h = new CpuHarness();
    const wifi = new ESP8266WiFiClass(h.cpu, ap, 'mac');
    wifi.mode(WIFI_STA);
    wifi.begin('irrigation', psk);
    expect(wifi.status()).toBe(WL_DISCONNECTED);
    const r = await h.run(wifi.waitForConnectResult(timeoutMs));
    return { h, wifi, r };
  }

  it('connects after the join time (2 s: scan, association, WPA2, DHCP)', async () => {
    const { h, wifi, r } = await join(new FakeAp());
    expect(r).toBe(WL_CONNECTED);
    expect(h.ms).toBe(2000); // the value itself, so a change to WIFI_JOIN_MS shows up here
    expect(WIFI_JOIN_MS).toBe(2000);
    expect(wifi.localIP()).toBe('10.0.0.23');
  });

  it('reports WL_WRONG_PASSWORD and WL_NO_SSID_AVAIL', async () => {
    expect((await join(new FakeAp(), 'nope')).r).toBe(WL_WRONG_PASSWORD);
    const down = new FakeAp();
    down.up = false;
    expect((await join(down)).r).toBe(WL_NO_SSID_AVAIL);
  });

  it('waitForConnectResult() returns -1 on its timeout', async () => {
    const { h, r } = await join(new FakeAp(), 'secret', 500);
    expect(r).toBe(-1);
    expect(h.ms).toBe(500);
    expect(WIFI_CONNECT_RESULT_TIMEOUT_MS).toBe(60_000);
  });

  it('after link loss the SDK rejoins on its own', async () => {
    const ap = new FakeAp();
    const { h, wifi } = await join(ap);
    let lost = 0;
    wifi.onLinkLost(() => lost++);
    wifi.linkLost();
    expect([wifi.status(), lost]).toEqual([WL_DISCONNECTED, 1]);
    await h.run(h.cpu.block(() => wifi.isConnected(), null));
    expect(ap.joins).toBe(2);
  });
});

describe('SNTP', () => {
  it('asks the next server after each 15 s receive timeout, and re-polls hourly after an answer', async () => {
    const h = new CpuHarness();
    const asked: [string, number][] = [];
    let answer: ((ms: number) => void) | null = null;
    const time = new SystemTime(h.cpu);
    const sntp = new SntpClient(h.cpu, { request: (s, reply) => (asked.push([s, h.ms]), (answer = reply)) }, time);
    sntp.configTime(0, 0, 'a', 'b', 'c');
    await h.run(h.cpu.delay(3 * SNTP_RECV_TIMEOUT_MS + 1));
    expect(asked).toEqual([
      ['a', 0],
      ['b', 15_000],
      ['c', 30_000],
      ['a', 45_000],
    ]);
    answer!(1_780_272_000_000);
    expect(time.time()).toBe(1_780_272_000);
    await h.run(h.cpu.delay(SNTP_UPDATE_DELAY_MS), 2 * SNTP_UPDATE_DELAY_MS);
    expect(asked.at(-1)).toEqual(['a', 45_001 + SNTP_UPDATE_DELAY_MS]);
  });

  it('ignores a late answer to an abandoned request', async () => {
    const h = new CpuHarness();
    const replies: ((ms: number) => void)[] = [];
    const time = new SystemTime(h.cpu);
    const sntp = new SntpClient(h.cpu, { request: (_s, reply) => replies.push(reply) }, time);
    sntp.configTime(0, 0, 'a', 'b');
    await h.run(h.cpu.delay(SNTP_RECV_TIMEOUT_MS));
    replies[0]!(1_780_272_000_000);
    expect(time.isSet).toBe(false);
    replies[1]!(1_780_272_000_000);
    expect(time.isSet).toBe(true);
  });
});

describe('Heap and Serial', () => {
  it('malloc fails whole, and free gives the bytes back once', () => {
    const heap = new Heap(1000);
    const a = heap.malloc(600, 'a')!;
    expect(heap.malloc(500, 'b')).toBeNull();
    a.free();
    a.free();
    expect(heap.getFreeHeap()).toBe(1000);
  });

  it('emits one line per newline, stamped with the time of its first character', () => {
    const h = new CpuHarness();
    const lines: SerialLine[] = [];
    const s = new HardwareSerial(h.cpu, (l) => lines.push(l));
    s.println('silent before begin()');
    s.begin(115200);
    s.print('.');
    h.nowNs = 7n * MS;
    s.print('.');
    s.println('done');
    expect(lines).toEqual([{ tNs: 0n, text: '..done' }]);
  });
});
