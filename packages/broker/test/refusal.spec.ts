// Every way a client can fail mutual TLS, checked at the broker's virtual date.
// The capture tap and aedes must see nothing from a refused peer.
import { afterEach, describe, expect, it } from 'vitest';
import { dial, pem, settle, startFixtureBroker, type DialOptions, type TestBroker } from './helpers.ts';

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

  describe('TLS 1.2 (BearSSL on the node): refused inside the handshake with the alert OpenSSL would send', () => {
    for (const [cert, code, clientError] of [
      [undefined, 'NO_CLIENT_CERTIFICATE', 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'],
      ['node-rogue.crt', 'X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'],
      ['node-expired.crt', 'X509_V_ERR_CERT_HAS_EXPIRED', 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED'],
      ['node-not-yet-valid.crt', 'X509_V_ERR_CERT_NOT_YET_VALID', 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE'],
      ['node-revoked.crt', 'X509_V_ERR_CERT_REVOKED', 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED'],
      ['node-wrong-purpose.crt', 'X509_V_ERR_INVALID_PURPOSE', 'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE'],
    ] as const) {
      it(`${cert ?? 'no certificate'}: ${clientError}`, async () => {
        tb = await startFixtureBroker();
        const c = await dial(tb.broker, { ...(cert ? { cert } : {}), tls: { maxVersion: 'TLSv1.2' } });
        await settle(20);
        expect(c.secured).toBe(false);
        expect((c.tlsError as NodeJS.ErrnoException | null)?.code).toBe(clientError);
        expect(tb.events.find((e) => e.what === 'tls-refused')?.detail).toMatchObject({ code, alertSent: true });
        expect(tb.captures).toEqual([]);
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
