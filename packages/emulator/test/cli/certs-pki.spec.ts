// esphil certs and --pki / node: pki: as users run them.
import { cpSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PKI_SET_FILES } from '@esphil/broker';
import { esphil } from './cli.ts';

describe('esphil certs, --pki and node: pki:', () => {
  let base: string;
  let set: string;
  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'esphil-certs-'));
    set = join(base, 'site');
    const r = await esphil(['certs', set, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.files.map((f: string) => f.slice(set.length + 1))).toEqual(PKI_SET_FILES);
    expect(statSync(join(set, 'node.key')).mode & 0o777).toBe(0o600);
  }, 120_000);

  it('refuses an existing set in one line, exit 2, and leaves it alone', async () => {
    const r = await esphil(['certs', set]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`esphil certs: ${set}: already holds ${PKI_SET_FILES.join(', ')}; refusing to overwrite (keys are never reused; choose a new folder)\n`);
    expect(readdirSync(set).sort()).toEqual([...PKI_SET_FILES].sort());
  });

  it('checks its flags', async () => {
    expect((await esphil(['certs', join(base, 'x'), '--not-before', '2026-13-01'])).stderr).toMatch(/^esphil certs: --not-before "2026-13-01": no such date/);
    expect((await esphil(['certs', join(base, 'x'), '--days', '0'])).stderr).toMatch(/^esphil certs: --days "0": want a whole number of days/);
    expect(readdirSync(base)).toEqual(['site']);
  });

  it('a scenario runs against the set with --pki, and with node: pki: relative to the scenario file', async () => {
    const scenario = join(base, 'zone.yaml');
    const steps = `steps:
  - wait-serial: {match: /MQTT connection.*connected/, since: boot, timeout: 60s}
  - delay: 1s
  - publish: {topic: irrigation/zone/on, payload: "3 5"}
  - wait-relays: {zones: [3], timeout: 2s}
`;
    writeFileSync(scenario, `name: own set\n${steps}`);
    const r = await esphil(['run', scenario, '--pki', set, '--timeline', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // The broker saw the set's own node and operator certificates.
    expect(r.stdout).toMatch(/"what":"broker-client-connected".*"identity":"sec_mqtt_client_00_03"/);
    writeFileSync(join(base, 'own.yaml'), `name: own set in the file\nnode:\n  pki: site\n${steps}`);
    const own = await esphil(['run', join(base, 'own.yaml')]);
    expect(own.code, own.stdout + own.stderr).toBe(0);
  }, 120_000);

  it('a bad PKI folder is named in one line before anything starts, exit 2', async () => {
    const other = join(base, 'other');
    expect((await esphil(['certs', other])).code).toBe(0);
    const bad = join(base, 'bad');
    cpSync(set, bad, { recursive: true });
    cpSync(join(other, 'node.crt'), join(bad, 'node.crt'));
    const serve = await esphil(['serve', '--pki', bad, '--port', '0']);
    expect(serve.code).toBe(2);
    expect(serve.stderr).toBe(`esphil serve: --pki ${bad}: ${join(bad, 'node.key')}: does not match ${join(bad, 'node.crt')} (a key from another set?)\n`);
    expect(serve.stdout).toBe('');
    const run = await esphil(['run', 'fixtures/scenarios/zone-on-off.yaml', '--pki', join(base, 'missing')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^esphil run: --pki .*missing: .*missing: no such PKI folder/);
    writeFileSync(join(base, 'badpki.yaml'), 'name: bad\nnode:\n  pki: bad\nsteps:\n  - delay: 1s\n');
    const scen = await esphil(['run', join(base, 'badpki.yaml')]);
    expect(scen.code).toBe(2);
    expect(scen.stderr).toContain(`badpki.yaml:3:8: node: pki: ${join(bad, 'node.key')}: does not match`);
  }, 120_000);
});
