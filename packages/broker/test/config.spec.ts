import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMosquittoConf, noEffectNotice, parseMosquittoConf } from '../src/index.ts';
import { confLimits } from '../src/config.ts';
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
    ['listener 8883\nlog_typ all\n', /^node\.conf:2: Unknown configuration variable "log_typ"/],
    ['require_certificate yes\n', /^node\.conf:1: 'require_certificate' must be true or false, got 'yes'/],
    ['\n# c\ntls_version tlsv1\n', /^node\.conf:3: tls_version must be tlsv1\.3, tlsv1\.2 or tlsv1\.1, got 'tlsv1'/],
    ['listener 70000\n', /^node\.conf:1: invalid port '70000'/],
    [`${TLS}cafile ca.crt\n`, /^node\.conf:4: 'cafile' repeated \(first at node\.conf:1\)/],
    ['cafile nope.crt\n', /^node\.conf:1: cafile: cannot read .*nope\.crt: ENOENT/],
    ['acl_file missing-acl\n', /^node\.conf:1: acl_file: cannot read .*missing-acl: ENOENT/],
    ['cafile a b\n', /^node\.conf:1: 'cafile' takes exactly one value, got 2/],
    ['max_packet_size 10\n', /^node\.conf:1: max_packet_size must be 0 \(no limit\) or at least 20, got 10/],
    ['max_keepalive lots\n', /^node\.conf:1: 'max_keepalive' must be a whole number from 0 to 65535, got 'lots'/],
    ['protocol mqtts\n', /^node\.conf:1: protocol must be mqtt or websockets, got 'mqtts'/],
    ['listener 8883\n', /^node\.conf: missing cafile or capath, certfile, keyfile/],
    ['ciphers NO-SUCH-CIPHER\n', /^node\.conf:1: Unable to set TLS ciphers\. Check cipher list "NO-SUCH-CIPHER"\./],
    ['ciphers TLS_AES_128_GCM_SHA256\n', /^node\.conf:1: Unable to set TLS ciphers\. Check cipher list "TLS_AES_128_GCM_SHA256"\./],
    ['\nciphers_tls1.3 TLS_NO_SUCH\n', /^node\.conf:2: Unable to set TLS 1\.3 ciphersuites\. Check cipher_tls13 list "TLS_NO_SUCH"\./],
    ['ciphers_tls1.3 AES128-SHA\n', /^node\.conf:1: Unable to set TLS 1\.3 ciphersuites\. Check cipher_tls13 list "AES128-SHA"\./],
  ])('%j is refused with file:line', (text, message) => {
    expect(() => parseMosquittoConf(text, 'node.conf', PKI)).toThrow(message);
  });

  it('a cipher list with one name OpenSSL knows for its protocol loads, as mosquitto takes it', () => {
    const c = parseMosquittoConf(`${TLS}ciphers TLS_AES_128_GCM_SHA256:AES128-SHA:NO-SUCH-CIPHER\nciphers_tls1.3 TLS_AES_128_GCM_SHA256:TLS_NO_SUCH:AES128-SHA\n`, 'node.conf', PKI);
    expect(c).toMatchObject({ ciphers: 'TLS_AES_128_GCM_SHA256:AES128-SHA:NO-SUCH-CIPHER', ciphersTls13: 'TLS_AES_128_GCM_SHA256:TLS_NO_SUCH:AES128-SHA' });
  });

  it('the original node conf (port, protocol mqtt) loads unchanged', () => {
    const c = parseMosquittoConf(`port 8883\n${TLS}require_certificate true\ntls_version tlsv1.2\nprotocol mqtt\n`, 'orig.conf', PKI);
    expect(c).toMatchObject({ port: 8883, requireCertificate: true, noEffect: [] });
  });

  it('honours limits, ciphers and subject names; other listeners and mosquitto-only settings load and are listed once', () => {
    const c = parseMosquittoConf(
      [
        'per_listener_settings false', 'persistence true', 'persistence_location /var/lib/mosquitto/', 'log_dest file /var/log/mosquitto.log',
        'max_packet_size 4096', 'message_size_limit 1000', 'max_keepalive 60', 'auth_opt_backend files',
        'listener 9001', 'protocol websockets',
        'listener 18883 127.0.0.1', TLS.trim(), 'max_connections 5', 'ciphers ECDHE-RSA-AES128-GCM-SHA256', 'use_subject_as_username true',
        'connection bridge-1', 'address remote:8883',
      ].join('\n'),
      'full.conf',
      PKI,
    );
    expect(c).toMatchObject({
      port: 18883, bindAddress: '127.0.0.1', maxPacketSize: 4096, messageSizeLimit: 1000, maxKeepalive: 60, maxConnections: 5,
      ciphers: 'ECDHE-RSA-AES128-GCM-SHA256', useSubjectAsUsername: true,
    });
    expect(noEffectNotice(c)).toBe(
      'full.conf: loaded; no effect in the emulator: per_listener_settings (line 1), persistence (line 2), persistence_location (line 3), log_dest (line 4), ' +
        'auth_opt_backend (line 8), connection (line 18), address (line 19), listener 9001 (websockets, no TLS) (line 9)',
    );
    expect(noEffectNotice(parseMosquittoConf(TLS, 'x.conf', PKI))).toBeNull();
  });

  it('max_queued_messages and max_queued_bytes bound what waits for a slow client', () => {
    const c = parseMosquittoConf(`${TLS}max_queued_messages 100\nmax_queued_bytes 65536\n`, 'q.conf', PKI);
    expect(confLimits(c)).toEqual({ maxQueuedMessages: 100, maxQueuedBytes: 65536 });
    expect(noEffectNotice(c)).toBeNull();
    expect(() => parseMosquittoConf(`${TLS}max_queued_messages -1\n`, 'q.conf', PKI)).toThrow(
      "q.conf:4: 'max_queued_messages' must be a whole number from 0 to 2147483647, got '-1'",
    );
  });

  it('include_dir reads *.conf in order; capath supplies the CAs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'esphil-conf-'));
    mkdirSync(join(dir, 'conf.d'));
    mkdirSync(join(dir, 'certs'));
    copyFileSync(join(PKI, 'ca.crt'), join(dir, 'certs', 'ca.pem'));
    writeFileSync(join(dir, 'conf.d', '20-tls.conf'), `capath ${join(dir, 'certs')}\ncertfile ${PKI}/broker.crt\nkeyfile ${PKI}/broker.key\n`);
    writeFileSync(join(dir, 'conf.d', '10-listener.conf'), 'listener 18884\n');
    writeFileSync(join(dir, 'conf.d', 'ignored.txt'), 'not a conf\n');
    writeFileSync(join(dir, 'main.conf'), 'include_dir conf.d\nallow_anonymous true\n');
    const c = loadMosquittoConf(join(dir, 'main.conf'));
    expect(c).toMatchObject({ port: 18884, allowAnonymous: true, cafile: { path: join(dir, 'certs') } });
    expect(c.cafile.pem).toContain('BEGIN CERTIFICATE');
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
