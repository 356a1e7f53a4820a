import { X509Certificate, createPrivateKey } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { FIXTURE_CERTS, FIXTURE_DATE, PKI_SET_FILES, TrustStore, generatePki, loadMosquittoConf, loadOperatorPki, loadPkiFolder, verifyClientChain } from '../src/index.ts';
import { makeCrl } from '../src/pki/crl.ts';
import { issueCertificate, newRsaKey } from '../src/pki/x509.ts';
import { PKI, pem } from './helpers.ts';

const der = (name: string): Buffer => new X509Certificate(pem(name)).raw;
const at = (iso: string): number => Date.parse(iso);

describe('generatePki (certs <dir>)', () => {
  it('writes a complete deployment; keys 0600; valid today and on the default emulated date; never reuses keys or files', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'esphil-pki-')), 'out');
    const set = await generatePki(dir, { now: new Date('2026-11-30T10:00:00Z') });
    const names = set.files.map((f) => f.slice(dir.length + 1));
    expect(names).toEqual(PKI_SET_FILES);
    for (const f of set.files) expect(statSync(f).mode & 0o777, f).toBe(f.endsWith('.key') ? 0o600 : 0o644);
    expect(readdirSync(dir).sort()).toEqual([...PKI_SET_FILES].sort()); // no staging left behind

    const trust = new TrustStore(readFileSync(join(dir, 'ca.crt'), 'utf8'), 'ca.crt', readFileSync(join(dir, 'ca.crl'), 'utf8'), 'ca.crl');
    const node = new X509Certificate(readFileSync(join(dir, 'node.crt')));
    for (const when of ['2026-06-01T05:00:00Z', '2026-11-30T10:00:00Z']) {
      expect(verifyClientChain([node.raw], trust, at(when)), when).toMatchObject({ ok: true, commonName: 'sec_mqtt_client_00_03' });
    }
    const broker = new X509Certificate(readFileSync(join(dir, 'broker.crt')));
    expect(broker.checkHost('broker.local')).toBe('broker.local');
    expect(broker.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(set.credentials.map((c) => [c.file, c.commonName, c.purpose, c.notBefore, c.notAfter])).toEqual(
      ['ca', 'broker', 'node', 'operator'].map((f, i) => [f, ['esphil device CA', 'broker.local', 'sec_mqtt_client_00_03', 'operator'][i], ['ca', 'serverAuth', 'clientAuth', 'clientAuth'][i], '2026-06-01T00:00:00.000Z', '2036-05-29T00:00:00.000Z']),
    );
    // The conf and ACL reference the set by relative path and load as they are.
    const conf = loadMosquittoConf(set.confPath);
    expect(conf).toMatchObject({ port: 8883, requireCertificate: true, useIdentityAsUsername: true, crlfile: { path: join(dir, 'ca.crl') }, noEffect: [] });
    expect([...conf.acl!.users.keys()]).toEqual(['sec_mqtt_client_00_03', 'operator']);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('mosquitto -c mosquitto.conf');
    expect(loadPkiFolder(dir)).toMatchObject({ node: { commonName: 'sec_mqtt_client_00_03' }, confPath: set.confPath });

    expect(JSON.parse(JSON.stringify(set))).toEqual(set); // plain data: the CLI prints it
    const keys = set.files.filter((f) => f.endsWith('.key')).map((f) => readFileSync(f, 'utf8'));
    expect(new Set(keys).size).toBe(keys.length);
    const before = readFileSync(join(dir, 'node.key'), 'utf8');
    await expect(generatePki(dir)).rejects.toThrow(/already holds ca\.crt, ca\.key, .*README\.md; refusing to overwrite/);
    expect(readFileSync(join(dir, 'node.key'), 'utf8')).toBe(before);
  });

  it('--client-id, --not-before and --days', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'esphil-pki-')), 'out');
    const set = await generatePki(dir, { clientId: 'garden_node_7', notBefore: new Date('2030-01-01T00:00:00Z'), validDays: 30 });
    expect(set.credentials[2]).toMatchObject({ commonName: 'garden_node_7', notBefore: '2030-01-01T00:00:00.000Z', notAfter: '2030-01-31T00:00:00.000Z' });
    expect(readFileSync(join(dir, 'acl'), 'utf8')).toContain('user garden_node_7\ntopic read irrigation/#\ntopic write irrigation/status/garden_node_7/#');
  });

  it('writes all files or none: an existing file, a dangling link or an unwritable folder leaves nothing behind', async () => {
    const base = mkdtempSync(join(tmpdir(), 'esphil-pki-'));
    const dangling = join(base, 'dangling');
    mkdirSync(dangling);
    symlinkSync(join(base, 'nowhere'), join(dangling, 'node.key'));
    await expect(generatePki(dangling)).rejects.toThrow(/already holds node\.key; refusing/);
    expect(readdirSync(dangling)).toEqual(['node.key']);
    expect(existsSync(join(base, 'nowhere'))).toBe(false);

    const existing = join(base, 'existing');
    mkdirSync(existing);
    writeFileSync(join(existing, 'notes.txt'), 'mine');
    await generatePki(existing);
    expect(readdirSync(existing).sort()).toEqual([...PKI_SET_FILES, 'notes.txt'].sort());

    if (process.getuid?.() !== 0) {
      const locked = join(base, 'locked');
      mkdirSync(locked, { mode: 0o555 });
      await expect(generatePki(locked)).rejects.toThrow(/cannot write: permission denied \(EACCES\)/);
      expect(readdirSync(locked)).toEqual([]);
    }
    // A plain file where the folder should be.
    writeFileSync(join(base, 'file'), '');
    await expect(generatePki(join(base, 'file'))).rejects.toThrow(/exists and is not a directory/);
  });

  it('rejects bad options by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esphil-pki-'));
    await expect(generatePki(dir, { validDays: 0 })).rejects.toThrow('validDays must be a positive whole number');
    await expect(generatePki(dir, { clientId: 'has space' })).rejects.toThrow("client id 'has space'");
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('loadPkiFolder', () => {
  const copySet = async (): Promise<string> => {
    const dir = join(mkdtempSync(join(tmpdir(), 'esphil-pki-')), 'set');
    await generatePki(dir);
    return dir;
  };

  it('names a missing file, a key of another certificate, a certificate or CRL from another CA', async () => {
    const a = await copySet();
    const b = await copySet();
    rmSync(join(a, 'operator.key'));
    expect(() => loadPkiFolder(a)).toThrow(`${join(a, 'operator.key')}: missing (the operator private key)`);
    copyFileSync(join(b, 'operator.key'), join(a, 'operator.key'));
    expect(() => loadPkiFolder(a)).toThrow(`${join(a, 'operator.key')}: does not match ${join(a, 'operator.crt')}`);
    copyFileSync(join(b, 'operator.crt'), join(a, 'operator.crt'));
    expect(() => loadPkiFolder(a)).toThrow(`${join(a, 'operator.crt')}: not signed by ${join(a, 'ca.crt')}`);
    const c = await copySet();
    copyFileSync(join(b, 'ca.crl'), join(c, 'ca.crl'));
    expect(() => loadPkiFolder(c)).toThrow(`${join(c, 'ca.crl')}: CRL is not signed by ${join(c, 'ca.crt')} (a CRL from another CA?)`);
    expect(() => loadPkiFolder(join(c, 'nope'))).toThrow(/no such PKI folder/);
    writeFileSync(join(c, 'node.crt'), 'garbage');
    copyFileSync(join(b, 'ca.crl'), join(c, 'ca.crl'));
    expect(() => loadPkiFolder(c)).toThrow(`${join(c, 'node.crt')}: not a PEM certificate`);
  });
});

describe('loadOperatorPki', () => {
  const OPERATOR_FILES = ['ca.crt', 'operator.crt', 'operator.key', 'ota-signing.key'];

  it("loads an operator-only folder, names what is missing, and checks a .pub that is there against the signing key", () => {
    const dir = mkdtempSync(join(tmpdir(), 'esphil-operator-'));
    for (const f of OPERATOR_FILES) copyFileSync(join(PKI, f), join(dir, f));
    expect(() => loadPkiFolder(dir)).toThrow(`${join(dir, 'mosquitto.conf')}: missing (the broker configuration)`);
    expect(loadOperatorPki(dir)).toMatchObject({ dir, operator: { commonName: 'operator' }, otaSigning: { path: join(dir, 'ota-signing.key'), pem: pem('ota-signing.key') } });
    copyFileSync(join(PKI, 'ota-signing.pub'), join(dir, 'ota-signing.pub'));
    expect(loadOperatorPki(dir).otaSigning.pem).toBe(pem('ota-signing.key'));
    copyFileSync(join(PKI, 'ota-rogue.key'), join(dir, 'ota-signing.key'));
    expect(() => loadOperatorPki(dir)).toThrow(`${join(dir, 'ota-signing.pub')}: not the public half of ${join(dir, 'ota-signing.key')}`);
    rmSync(join(dir, 'ota-signing.key'));
    expect(() => loadOperatorPki(dir)).toThrow(`${join(dir, 'ota-signing.key')}: missing (the OTA signing key)`);
    rmSync(join(dir, 'ca.crt'));
    expect(() => loadOperatorPki(dir)).toThrow(`${join(dir, 'ca.crt')}: missing (the CA certificate)`);
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
