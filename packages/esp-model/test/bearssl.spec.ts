import { describe, expect, it } from 'vitest';
import { ESP8266WiFiClass, WL_CONNECTED } from '../src/core/wifi.ts';
import { Heap, ESP_FREE_HEAP_AT_BOOT } from '../src/core/heap.ts';
import { SystemTime } from '../src/core/sntp.ts';
import { StackThunk } from '../src/bearssl/stack-thunk.ts';
import { WiFiClientSecure, BR_IOBUF_IN_SIZE } from '../src/bearssl/wifi-client-secure.ts';
import {
  BR_ERR_OK,
  BR_ERR_RECV_FATAL_ALERT,
  BR_ERR_UNSUPPORTED_VERSION,
  BR_ERR_X509_BAD_SERVER_NAME,
  BR_ERR_X509_EXPIRED,
  BR_ERR_X509_NOT_TRUSTED,
  ERR_OOM,
  brErrorName,
} from '../src/bearssl/errors.ts';
import { brCodeForTlsError } from '../src/bearssl/tls-errors.ts';
import { CpuHarness } from './helpers/cpu-driver.ts';
import { TlsNetwork, type TlsNetOptions } from './helpers/tls-net.ts';
import { DEFAULT_UTC_MS, pki } from './helpers/pki.ts';

const alwaysUp = { up: true, join: () => ({ ok: true as const, ip: '10.0.0.23', gateway: '10.0.0.1', dns: '10.0.0.1' }) };

async function env(netOpts: TlsNetOptions = {}, utcMs: number | null = DEFAULT_UTC_MS) {
  const h = new CpuHarness();
  const heap = new Heap(ESP_FREE_HEAP_AT_BOOT);
  const wifi = new ESP8266WiFiClass(h.cpu, alwaysUp, '5C:CF:7F:00:00:03');
  wifi.begin('irrigation', 'secret');
  expect(await h.run(wifi.waitForConnectResult())).toBe(WL_CONNECTED);
  const time = new SystemTime(h.cpu);
  if (utcMs !== null) time.settimeofday(utcMs);
  const net = new TlsNetwork(netOpts);
  const thunk = new StackThunk(heap);
  const make = () => {
    const c = new WiFiClientSecure({ cpu: h.cpu, heap, net, wifi, time, thunk });
    c.setTrustAnchors(pki('ca.crt'));
    c.setClientRSACert(pki('node.crt'), pki('node.key'));
    return c;
  };
  return { h, heap, wifi, time, net, thunk, make };
}

describe('BearSSL::WiFiClientSecure', () => {
  it('connects with TLS 1.2 and mutual certificates, then carries bytes both ways', async () => {
    const { h, net, make } = await env();
    const c = make();
    expect(await h.run(c.connect('broker.local', 8883))).toBe(1);
    expect(c.getLastSSLError()).toBe(BR_ERR_OK);
    expect(c.connected()).toBe(true);
    c.write(Buffer.from([0xc0, 0x00])); // PINGREQ
    await h.run(h.cpu.block(() => c.available() >= 2, null));
    expect([c.read(), c.read()]).toEqual([0xd0, 0x00]);
    expect(net.lastBroker!.count('pingreq')).toBe(1);
  });

  it.each([
    ['expired', 'broker-expired', DEFAULT_UTC_MS, BR_ERR_X509_EXPIRED],
    ['not yet valid', 'broker-not-yet-valid', DEFAULT_UTC_MS, BR_ERR_X509_EXPIRED],
    ['good certificate before NTP (time() near 0)', 'broker', null, BR_ERR_X509_EXPIRED],
    ['signed by a rogue CA with the same name', 'broker-rogue', DEFAULT_UTC_MS, BR_ERR_X509_NOT_TRUSTED],
    ['issued for another host', 'broker-wrong-host', DEFAULT_UTC_MS, BR_ERR_X509_BAD_SERVER_NAME],
  ])('refuses a server certificate %s', async (_what, serverCert, utc, code) => {
    const { h, net, make } = await env({ serverCert }, utc);
    const c = make();
    expect(await h.run(c.connect('broker.local', 8883))).toBe(0);
    expect(c.getLastSSLError()).toBe(code);
    expect(c.connected()).toBe(false);
    // No MQTT byte ever reached the broker.
    expect(net.lastBroker!.received).toEqual([]);
    expect(c.getLastSSLErrorText()).toContain(brErrorName(code));
  });

  it('takes the expiry date from the ESP clock, not the wall clock', async () => {
    const { h, make } = await env({ serverCert: 'broker' }, Date.UTC(2035, 0, 2));
    const c = make();
    expect(await h.run(c.connect('broker.local', 8883))).toBe(0);
    expect(c.getLastSSLError()).toBe(BR_ERR_X509_EXPIRED);
  });

  it('checks an IP address against the certificate IP SAN', async () => {
    const { h, make } = await env({ hosts: ['127.0.0.1'] });
    const c = make();
    expect(await h.run(c.connect('127.0.0.1', 8883))).toBe(1);
  });

  it('refuses an IP address the certificate IP SAN does not name (the SAN holds 127.0.0.1 only)', async () => {
    const { h, net, make } = await env({ hosts: ['10.0.0.1'] });
    const c = make();
    expect(await h.run(c.connect('10.0.0.1', 8883))).toBe(0);
    expect(c.getLastSSLError()).toBe(BR_ERR_X509_BAD_SERVER_NAME);
    expect(c.getLastSSLErrorText()).toContain('does not name 10.0.0.1');
    expect(net.lastBroker!.received).toEqual([]);
  });

  it('gives up after a 15 s handshake timeout in virtual time', async () => {
    const { h, make } = await env({ silent: true });
    const c = make();
    const t0 = h.ms;
    expect(await h.run(c.connect('broker.local', 8883))).toBe(0);
    expect(h.ms - t0).toBe(15_000);
    expect(c.getLastSSLErrorText()).toMatch(/timed out/);
  });

  it('leaves the engine error at 0 when the server closes during the handshake, as the ESP8266 core does', async () => {
    const { h, net, make } = await env();
    const c = make();
    const t0 = h.ms;
    const p = c.connect('broker.local', 8883);
    net.closeAll();
    expect(await h.run(p)).toBe(0);
    expect(h.ms).toBe(t0); // no wait for the handshake timeout
    expect(c.getLastSSLError()).toBe(BR_ERR_OK);
    expect(c.getLastSSLErrorText()).toMatch(/closed|disconnected/);
  });

  it('maps OpenSSL handshake errors to BearSSL engine codes', () => {
    const alert = Object.assign(new Error('error:0A000418:SSL routines::tlsv1 alert unknown ca:rec_layer_s3.c:1605:SSL alert number 48'), {
      code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
    });
    expect(brCodeForTlsError(alert)).toBe(BR_ERR_RECV_FATAL_ALERT + 48);
    expect(brCodeForTlsError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(BR_ERR_OK);
    expect(brCodeForTlsError(new Error('error:0A00010B:SSL routines::wrong version number'))).toBe(BR_ERR_UNSUPPORTED_VERSION);
  });

  it('returns 0 without an error code when the host does not resolve', async () => {
    const { h, make } = await env();
    const c = make();
    expect(await h.run(c.connect('nowhere.local', 8883))).toBe(0);
    expect(c.getLastSSLError()).toBe(BR_ERR_OK);
  });

  it('costs the heap a shared 6200-byte second stack and ~22 KB per session; a second session runs out of memory', async () => {
    const { h, heap, make } = await env();
    const a = make();
    // 6200 as a number (StackThunk.cpp _stackSize), so a changed STACK_THUNK_SIZE fails here.
    expect(heap.getFreeHeap()).toBe(ESP_FREE_HEAP_AT_BOOT - 6200);
    const b = make(); // the stack thunk is shared
    expect(heap.getFreeHeap()).toBe(ESP_FREE_HEAP_AT_BOOT - 6200);
    expect(await h.run(a.connect('broker.local', 8883))).toBe(1);
    const perSession = ESP_FREE_HEAP_AT_BOOT - 6200 - heap.getFreeHeap();
    expect(perSession).toBeGreaterThan(BR_IOBUF_IN_SIZE);
    expect(perSession).toBeLessThan(22 * 1024);
    expect(await h.run(b.connect('broker.local', 8883))).toBe(0);
    expect(b.getLastSSLError()).toBe(ERR_OOM);
    a.stop();
    expect(await h.run(b.connect('broker.local', 8883))).toBe(1);
    b.destroy();
    a.destroy();
    expect(heap.getFreeHeap()).toBe(ESP_FREE_HEAP_AT_BOOT);
  });

  it('a corrupt TLS record from the server ends the session, not the process', async () => {
    const { h, net, make } = await env();
    const c = make();
    expect(await h.run(c.connect('broker.local', 8883))).toBe(1);
    net.injectRaw(Buffer.from([0x17, 0x03, 0x03, 0x00, 0x05, 1, 2, 3, 4, 5]));
    await h.run(h.cpu.block(() => !c.connected(), null));
    expect(c.connected()).toBe(false);
  });

  it('drops the session when the Wi-Fi link is lost', async () => {
    const { h, wifi, make } = await env();
    const c = make();
    expect(await h.run(c.connect('broker.local', 8883))).toBe(1);
    wifi.linkLost();
    expect(c.connected()).toBe(false);
  });
});
