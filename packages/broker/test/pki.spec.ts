import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { FIXTURE_CERTS, FIXTURE_DATE, TrustStore, generatePki, verifyClientChain } from '../src/index.ts';
import { makeCrl } from '../src/pki/crl.ts';
import { issueCertificate, newRsaKey } from '../src/pki/x509.ts';
import { PKI, pem } from './helpers.ts';

const der = (name: string): Buffer => new X509Certificate(pem(name)).raw;
const at = (iso: string): number => Date.parse(iso);

describe('generatePki (certs <dir>)', () => {
  it('writes a fresh CA, broker, node and operator set; keys 0600; never reuses keys or files', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'esphil-pki-')), 'out');
    const set = await generatePki(dir, { notBefore: new Date('2026-01-01T00:00:00Z') });
    const names = set.files.map((f) => f.slice(dir.length + 1)).sort();
    expect(names).toEqual(['broker.crt', 'broker.key', 'ca.crt', 'ca.key', 'node.crt', 'node.key', 'operator.crt', 'operator.key', 'ota-signing.key', 'ota-signing.pub']);
    for (const f of set.files.filter((f) => f.endsWith('.key'))) expect(statSync(f).mode & 0o777).toBe(0o600);

    const trust = new TrustStore(readFileSync(join(dir, 'ca.crt'), 'utf8'), 'ca.crt');
    const node = new X509Certificate(readFileSync(join(dir, 'node.crt')));
    expect(verifyClientChain([node.raw], trust, at('2026-06-01T00:00:00Z'))).toMatchObject({ ok: true, commonName: 'sec_mqtt_client_00_03' });
    const broker = new X509Certificate(readFileSync(join(dir, 'broker.crt')));
    expect(broker.checkHost('broker.local')).toBe('broker.local');
    expect(broker.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(broker.validTo).toBe('Dec 30 00:00:00 2035 GMT');

    expect(set.credentials.map((c) => [c.file, c.commonName, c.purpose, c.notAfter])).toEqual([
      ['ca', 'esphil device CA', 'ca', '2035-12-30T00:00:00.000Z'],
      ['broker', 'broker.local', 'serverAuth', '2035-12-30T00:00:00.000Z'],
      ['node', 'sec_mqtt_client_00_03', 'clientAuth', '2035-12-30T00:00:00.000Z'],
      ['operator', 'operator', 'clientAuth', '2035-12-30T00:00:00.000Z'],
    ]);
    expect(JSON.parse(JSON.stringify(set))).toEqual(set); // plain data: the CLI prints it
    const keys = set.files.filter((f) => f.endsWith('.key')).map((f) => readFileSync(f, 'utf8'));
    expect(new Set(keys).size).toBe(keys.length);
    await expect(generatePki(dir)).rejects.toThrow(/ca\.crt, ca\.key, broker\.crt, .* already exist; refusing to overwrite/);
    const other = await generatePki(join(dir, '..', 'second'));
    expect(readFileSync(join(other.dir, 'node.key'), 'utf8')).not.toBe(readFileSync(join(dir, 'node.key'), 'utf8'));
  });

  it('rejects bad options by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esphil-pki-'));
    await expect(generatePki(dir, { validDays: 0 })).rejects.toThrow('validDays must be positive');
    await expect(generatePki(dir, { clients: [{ file: '../x', commonName: 'x' }] })).rejects.toThrow("client file name '../x'");
    await expect(generatePki(dir, { clients: [{ file: 'ca', commonName: 'x' }] })).rejects.toThrow("'ca' is used twice");
  });
});

describe('fixtures/pki', () => {
  const trust = new TrustStore(pem('ca.crt'), 'ca.crt', pem('ca.crl'), 'ca.crl');

  it('every certificate has the documented window, name and issuer', () => {
    const ca = new X509Certificate(pem('ca.crt'));
    const rogue = new X509Certificate(pem('rogue-ca.crt'));
    expect(rogue.subject).toBe(ca.subject);
    expect(rogue.publicKey.export({ format: 'der', type: 'spki' })).not.toEqual(ca.publicKey.export({ format: 'der', type: 'spki' }));
    for (const f of FIXTURE_CERTS) {
      const c = new X509Certificate(pem(`${f.file}.crt`));
      expect(new Date(c.validFrom).toISOString().slice(0, 10), f.file).toBe(f.from);
      expect(new Date(c.validTo).toISOString().slice(0, 10), f.file).toBe(f.to);
      expect(c.subject, f.file).toContain(`CN=${f.cn}`);
      const issuer = f.issuer === 'self' ? c : new X509Certificate(pem(`${f.issuer}.crt`));
      expect(c.verify(issuer.publicKey), f.file).toBe(true);
      // the key file belongs to the certificate
      expect(c.checkPrivateKey(createPrivateKey(pem(`${f.file}.key`))), f.file).toBe(true);
    }
  });

  it('crosses the right windows around the default date 2026-06-01', () => {
    const d = FIXTURE_DATE.getTime();
    const valid = (name: string, ms: number): boolean => {
      const c = new X509Certificate(pem(name));
      return Date.parse(c.validFrom) <= ms && ms <= Date.parse(c.validTo);
    };
    for (const good of ['ca.crt', 'broker.crt', 'node.crt', 'operator.crt', 'broker-wrong-host.crt']) {
      expect(valid(good, d), good).toBe(true);
      expect(valid(good, at('2034-12-31T00:00:00Z')), good).toBe(true);
    }
    expect(valid('broker-expired.crt', d)).toBe(false);
    expect(valid('broker-expired.crt', at('2025-06-01T00:00:00Z'))).toBe(true);
    expect(valid('broker-not-yet-valid.crt', d)).toBe(false);
    expect(valid('broker-not-yet-valid.crt', at('2027-01-02T00:00:00Z'))).toBe(true);
  });

  it('broker names: broker.local, localhost and 127.0.0.1; the wrong-host variant matches none', () => {
    const b = new X509Certificate(pem('broker.crt'));
    expect([b.checkHost('broker.local'), b.checkHost('localhost'), b.checkIP('127.0.0.1')]).toEqual(['broker.local', 'localhost', '127.0.0.1']);
    const w = new X509Certificate(pem('broker-wrong-host.crt'));
    expect([w.checkHost('broker.local'), w.checkHost('localhost'), w.checkIP('127.0.0.1')]).toEqual([undefined, undefined, undefined]);
  });

  it('client verification codes at the default date', () => {
    const d = FIXTURE_DATE.getTime();
    const code = (name: string, ms = d): string => {
      const r = verifyClientChain([der(name)], trust, ms);
      return r.ok ? 'ok' : r.code;
    };
    expect(code('node.crt')).toBe('ok');
    expect(code('operator.crt')).toBe('ok');
    expect(code('node-revoked.crt')).toBe('X509_V_ERR_CERT_REVOKED');
    // before its revocation date is irrelevant: a CRL lists a serial, OpenSSL refuses it whenever the CRL is valid
    expect(code('node-revoked.crt', at('2025-02-01T00:00:00Z'))).toBe('X509_V_ERR_CERT_REVOKED');
    expect(code('node-rogue.crt')).toBe('X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    expect(code('node-wrong-purpose.crt')).toBe('X509_V_ERR_INVALID_PURPOSE');
    expect(code('node-expired.crt')).toBe('X509_V_ERR_CERT_HAS_EXPIRED');
    expect(code('node-not-yet-valid.crt')).toBe('X509_V_ERR_CERT_NOT_YET_VALID');
    expect(code('node-not-yet-valid.crt', at('2027-06-01T00:00:00Z'))).toBe('ok');
  });

  it('a CRL outside its window refuses every client, as OpenSSL with crl_check does', () => {
    const caKey = { privateKeyPem: pem('ca.key'), publicKeyPem: '' };
    const ca = { cert: forge.pki.certificateFromPem(pem('ca.crt')), key: caKey };
    const crl = makeCrl(ca, { thisUpdate: new Date('2026-01-01T00:00:00Z'), nextUpdate: new Date('2026-07-01T00:00:00Z'), crlNumber: 9, revoked: [] });
    const t = new TrustStore(pem('ca.crt'), 'ca.crt', crl, 'short.crl');
    const r = (iso: string) => verifyClientChain([der('node.crt')], t, at(iso));
    expect(r('2026-06-01T00:00:00Z')).toMatchObject({ ok: true });
    expect(r('2026-07-02T00:00:00Z')).toMatchObject({ ok: false, code: 'X509_V_ERR_CRL_HAS_EXPIRED' });
    expect(r('2025-12-01T00:00:00Z')).toMatchObject({ ok: false, code: 'X509_V_ERR_CRL_NOT_YET_VALID' });
    // a crlfile that the cafile did not sign is a configuration error
    const rogue = { cert: forge.pki.certificateFromPem(pem('rogue-ca.crt')), key: { privateKeyPem: pem('rogue-ca.key'), publicKeyPem: '' } };
    const bad = makeCrl(rogue, { thisUpdate: new Date('2026-01-01T00:00:00Z'), nextUpdate: new Date('2027-01-01T00:00:00Z'), crlNumber: 1, revoked: [] });
    expect(() => new TrustStore(pem('ca.crt'), 'ca.crt', bad, 'rogue.crl')).toThrow('rogue.crl: CRL #1 is not signed by any certificate in the cafile');
  });

  it('a chain through an intermediate CA is walked at the broker date', () => {
    const root = { cert: forge.pki.certificateFromPem(pem('ca.crt')), key: { privateKeyPem: pem('ca.key'), publicKeyPem: '' } };
    const mid = (from: string, to: string) =>
      issueCertificate({ commonName: 'esphil Intermediate', purpose: 'ca', notBefore: new Date(from), notAfter: new Date(to), key: newRsaKey() }, root);
    const leafOf = (issuer: ReturnType<typeof mid>) =>
      issueCertificate({ commonName: 'via-intermediate', purpose: 'clientAuth', notBefore: new Date('2025-01-01'), notAfter: new Date('2030-01-01'), key: newRsaKey() }, issuer);
    const plain = new TrustStore(pem('ca.crt'), 'ca.crt');
    const d = (i: { certPem: string }) => new X509Certificate(i.certPem).raw;
    const good = mid('2025-01-01', '2030-01-01');
    expect(verifyClientChain([d(leafOf(good)), d(good)], plain, FIXTURE_DATE.getTime())).toMatchObject({ ok: true, commonName: 'via-intermediate' });
    const old = mid('2020-01-01', '2026-01-01');
    expect(verifyClientChain([d(leafOf(old)), d(old)], plain, FIXTURE_DATE.getTime())).toMatchObject({ ok: false, code: 'X509_V_ERR_CERT_HAS_EXPIRED' });
    // without the intermediate the leaf's issuer is unknown
    expect(verifyClientChain([d(leafOf(good))], plain, FIXTURE_DATE.getTime())).toMatchObject({ ok: false, code: 'X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY' });
  });

  it('README documents every file', () => {
    const readme = readFileSync(join(PKI, 'README.md'), 'utf8');
    expect(readme).toMatch(/TEST-ONLY/);
    for (const f of FIXTURE_CERTS) expect(readme).toContain(`\`${f.file}.crt\``);
    for (const f of ['ca.crl', 'mosquitto.conf', 'acl']) expect(readme).toContain(`\`${f}\``);
  });
});
