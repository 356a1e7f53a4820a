import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMosquittoConf, parseMosquittoConf } from '../src/index.ts';
import { PKI } from './helpers.ts';

const TLS = 'cafile ca.crt\ncertfile broker.crt\nkeyfile broker.key\n';

describe('mosquitto.conf subset', () => {
  it('loads the node configuration with paths relative to the conf file', () => {
    const c = loadMosquittoConf(join(PKI, 'mosquitto.conf'));
    expect(c).toMatchObject({
      port: 8883,
      requireCertificate: true,
      tlsVersion: 'tlsv1.2',
      useIdentityAsUsername: true,
      allowAnonymous: false,
      cafile: { path: join(PKI, 'ca.crt') },
      crlfile: { path: join(PKI, 'ca.crl') },
    });
    expect(c.cafile.pem).toContain('BEGIN CERTIFICATE');
    expect([...c.acl!.users.keys()]).toEqual(['sec_mqtt_client_00_03', 'operator']);
  });

  it('defaults like mosquitto 2.0: port 8883, no client certificate required, no anonymous clients', () => {
    const c = parseMosquittoConf(TLS, 'x.conf', PKI);
    expect(c).toMatchObject({ port: 8883, requireCertificate: false, allowAnonymous: false, tlsVersion: 'tlsv1.2' });
    expect(c.acl).toBeUndefined();
  });

  it('listener with a bind address; port directive', () => {
    expect(parseMosquittoConf(`listener 18883 127.0.0.1\n${TLS}`, 'x.conf', PKI)).toMatchObject({ port: 18883, bindAddress: '127.0.0.1' });
    expect(parseMosquittoConf(`port 1234\n${TLS}`, 'x.conf', PKI).port).toBe(1234);
  });

  it.each([
    ['listener 8883\nlog_type all\n', /^node\.conf:2: unsupported directive 'log_type'/],
    ['require_certificate yes\n', /^node\.conf:1: 'require_certificate' must be true or false, got 'yes'/],
    ['\n# c\ntls_version tlsv1\n', /^node\.conf:3: tls_version must be tlsv1\.3, tlsv1\.2 or tlsv1\.1, got 'tlsv1'/],
    ['listener 8883\nlistener 8884\n', /^node\.conf:2: only one listener is supported/],
    ['listener 70000\n', /^node\.conf:1: invalid port '70000'/],
    ['allow_anonymous true\nallow_anonymous false\n', /^node\.conf:2: 'allow_anonymous' repeated \(first at line 1\)/],
    ['cafile nope.crt\n', /^node\.conf:1: cafile: cannot read .*nope\.crt: ENOENT/],
    ['acl_file missing-acl\n', /^node\.conf:1: acl_file: cannot read .*missing-acl: ENOENT/],
    ['cafile a b\n', /^node\.conf:1: 'cafile' takes exactly one value, got 2/],
    ['listener 8883\n', /^node\.conf: missing cafile, certfile, keyfile/],
  ])('%j is refused with file:line', (text, message) => {
    expect(() => parseMosquittoConf(text, 'node.conf', PKI)).toThrow(message);
  });

  it('ACL file errors carry the ACL file name and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'esphil-conf-'));
    writeFileSync(join(dir, 'acl'), 'user a\ntopic read ok/#\ntopic maybe x\n');
    writeFileSync(join(dir, 'b.conf'), `acl_file acl\ncafile ${PKI}/ca.crt\ncertfile ${PKI}/broker.crt\nkeyfile ${PKI}/broker.key\n`);
    expect(() => loadMosquittoConf(join(dir, 'b.conf'))).toThrow(`${join(dir, 'acl')}:3: invalid access type 'maybe'`);
  });

  it('a missing conf file is named', () => {
    expect(() => loadMosquittoConf('/nonexistent/mosquitto.conf')).toThrow(/^\/nonexistent\/mosquitto\.conf: cannot read broker configuration: ENOENT/);
  });
});
