// Every way a client can fail mutual TLS, checked at the broker's virtual date.
// The capture tap and aedes must see nothing from a refused peer.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadMosquittoConf } from '../src/index.ts';
import { taggedBlock, updateBlock } from '../../../test/markdown.ts';
import { PKI, dial, pem, settle, startFixtureBroker, type DialOptions, type TestBroker } from './helpers.ts';

const README = join(import.meta.dirname, '../README.md');

let tb: TestBroker;
afterEach(async () => {
  await tb?.broker.close();
});

async function expectRefused(o: DialOptions, code: string, date?: string): Promise<void> {
  tb = await startFixtureBroker(date);
  const c = await dial(tb.broker, o);
  // A TLS 1.3 client finishes its handshake before the broker has judged its
  // certificate, so it gets to send a CONNECT: that CONNECT must never be parsed.
  if (!c.closed) {
    c.send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'intruder', keepalive: 15 });
  }
  await c.whenClosed();
  await settle(20);
  const refused = tb.events.filter((e) => e.what === 'tls-refused');
  expect(refused).toHaveLength(1);
  expect(refused[0]!.detail).toMatchObject({ code, remote: { address: '10.0.0.2', port: 50000 } });
  expect(tb.captures).toEqual([]);
  expect(tb.events.map((e) => e.what)).not.toContain('client-connected');
  expect(tb.broker.aedes.connectedClients).toBe(0);
}

describe('refusal matrix (fixtures/pki, broker date 2026-06-01 unless stated)', () => {
  it('accepts the node certificate (control)', async () => {
    tb = await startFixtureBroker();
    const c = await dial(tb.broker, { cert: 'node.crt' });
    expect((await c.connectMqtt('sec_mqtt_client_00_03')).returnCode).toBe(0);
    expect(tb.events.filter((e) => e.what === 'tls-refused')).toEqual([]);
    expect(tb.captures.map((r) => r.packet.cmd)).toEqual(['connect', 'connack']);
  });

  it('no client certificate', () => expectRefused({}, 'NO_CLIENT_CERTIFICATE'));
  it('no client certificate, TLS 1.2', () => expectRefused({ tls: { maxVersion: 'TLSv1.2' } }, 'NO_CLIENT_CERTIFICATE'));
  it('signed by a rogue CA with the same name', () => expectRefused({ cert: 'node-rogue.crt' }, 'X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY'));
  it('rogue CA certificate sent along as chain', () =>
    expectRefused({ cert: 'node-rogue.crt', tls: { cert: [pem('node-rogue.crt'), pem('rogue-ca.crt')].join('') } }, 'X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN'));
  it('expired (node-expired.crt)', () => expectRefused({ cert: 'node-expired.crt' }, 'X509_V_ERR_CERT_HAS_EXPIRED'));
  it('not yet valid (node-not-yet-valid.crt)', () => expectRefused({ cert: 'node-not-yet-valid.crt' }, 'X509_V_ERR_CERT_NOT_YET_VALID'));
  it('good node.crt, but the broker clock is past its notAfter', () =>
    expectRefused({ cert: 'node.crt' }, 'X509_V_ERR_CERT_HAS_EXPIRED', '2036-01-01T00:00:01Z'));
  it('good node.crt, but the broker clock is before its notBefore', () =>
    expectRefused({ cert: 'node.crt' }, 'X509_V_ERR_CERT_NOT_YET_VALID', '2024-12-31T23:59:59Z'));
  it('revoked (listed in ca.crl)', () => expectRefused({ cert: 'node-revoked.crt' }, 'X509_V_ERR_CERT_REVOKED'));
  it('wrong purpose (serverAuth-only client certificate)', () => expectRefused({ cert: 'node-wrong-purpose.crt' }, 'X509_V_ERR_INVALID_PURPOSE'));
  it('the broker certificate used as a client certificate (serverAuth)', () => expectRefused({ cert: 'broker.crt' }, 'X509_V_ERR_INVALID_PURPOSE'));

  // The alert a client gets for each bad certificate: TLS 1.2 inside the handshake (BearSSL on the
  // node speaks 1.2 only), TLS 1.3 after it, encrypted, before any session ticket.
  const ALERTS = [
    [undefined, 'NO_CLIENT_CERTIFICATE', 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'],
    ['node-rogue.crt', 'X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'],
    ['node-expired.crt', 'X509_V_ERR_CERT_HAS_EXPIRED', 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED'],
    ['node-not-yet-valid.crt', 'X509_V_ERR_CERT_NOT_YET_VALID', 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE'],
    ['node-revoked.crt', 'X509_V_ERR_CERT_REVOKED', 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED', 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED'],
    ['node-wrong-purpose.crt', 'X509_V_ERR_INVALID_PURPOSE', 'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE', 'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE'],
  ] as const;

  for (const [version, tls] of [
    ['TLS 1.2: refused inside the handshake with the alert OpenSSL would send', { maxVersion: 'TLSv1.2' }],
    ['TLS 1.3: refused after the handshake with the encrypted alert OpenSSL would send, before any session ticket', { minVersion: 'TLSv1.3' }],
  ] as const) {
    const tls13 = tls.minVersion === 'TLSv1.3';
    describe(version, () => {
      for (const [cert, code, tls12Error, tls13Error] of ALERTS) {
        const clientError = tls13 ? tls13Error : tls12Error;
        it(`${cert ?? 'no certificate'}: ${clientError}`, async () => {
          tb = await startFixtureBroker();
          const c = await dial(tb.broker, { ...(cert ? { cert } : {}), tls });
          let tickets = 0;
          c.socket.on('session', () => tickets++);
          await c.whenClosed();
          expect(c.secured).toBe(tls13);
          expect((c.tlsError as NodeJS.ErrnoException | null)?.code).toBe(clientError);
          expect(tickets).toBe(0);
          expect(tb.events.find((e) => e.what === 'tls-refused')?.detail).toMatchObject({ code, alertSent: true });
          expect(tb.captures).toEqual([]);
        });
      }
    });
  }

  it("packages/broker/README.md's table is what Node's TLS client reports for each refusal", async () => {
    tb = await startFixtureBroker();
    const rows: string[][] = [['client certificate', 'TLS 1.2', 'TLS 1.3']];
    for (const [cert] of ALERTS) {
      const row = [cert ?? '(none)'];
      for (const tls of [{ maxVersion: 'TLSv1.2' }, { minVersion: 'TLSv1.3' }] as const) {
        const c = await dial(tb.broker, { ...(cert ? { cert } : {}), tls });
        await c.whenClosed();
        const e = c.tlsError as NodeJS.ErrnoException | null;
        row.push(`${e?.code} (alert ${/SSL alert number (\d+)/.exec(e?.message ?? '')?.[1]})`);
      }
      rows.push(row);
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    const text = rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
    const block = taggedBlock(README, 'text', 'tls-refusals');
    if (!updateBlock(block, text)) expect(block.body).toBe(text);
  });

  describe('TLS 1.3 alerts under every suite', () => {
    // Each suite's key schedule and AEAD: the client must decrypt the alert to name it.
    for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_CCM_SHA256', 'TLS_AES_128_CCM_8_SHA256']) {
      it(`${suite}: an expired certificate gets certificate_expired; the node certificate gets its two tickets`, async () => {
        const config = { ...loadMosquittoConf(join(PKI, 'mosquitto.conf')), ciphersTls13: suite };
        tb = await startFixtureBroker(undefined, { config });
        const bad = await dial(tb.broker, { cert: 'node-expired.crt', tls: { minVersion: 'TLSv1.3', ciphers: suite } });
        await bad.whenClosed();
        expect(bad.socket.getCipher().standardName).toBe(suite);
        expect((bad.tlsError as NodeJS.ErrnoException | null)?.code).toBe('ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED');
        const good = await dial(tb.broker, { cert: 'node.crt', tls: { minVersion: 'TLSv1.3', ciphers: suite } });
        let tickets = 0;
        good.socket.on('session', () => tickets++);
        expect((await good.connectMqtt('sec_mqtt_client_00_03')).returnCode).toBe(0);
        await settle(20);
        expect(tickets).toBe(2);
      });
    }
  });

  for (const v of ['TLSv1', 'TLSv1.1'] as const) {
    it(`${v} offered`, async () => {
      tb = await startFixtureBroker();
      // SECLEVEL=0 lets this OpenSSL build send a TLS 1.0/1.1 ClientHello at all.
      const c = await dial(tb.broker, { cert: 'node.crt', tls: { minVersion: v, maxVersion: v, ciphers: 'DEFAULT@SECLEVEL=0' } });
      await c.whenClosed();
      await settle(20);
      const refused = tb.events.filter((e) => e.what === 'tls-refused');
      expect(refused).toHaveLength(1);
      expect(refused[0]!.detail.code).toBe('ERR_SSL_UNSUPPORTED_PROTOCOL');
      expect(tb.captures).toEqual([]);
    });
  }
});
