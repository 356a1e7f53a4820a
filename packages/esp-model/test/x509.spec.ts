// The ESP's server chain check: the native shortcut (a leaf issued straight by a
// trust anchor, sent alone or followed by that anchor) gives the verdict the full
// node-forge path gives, for every fixture certificate, chain shape and anchor set.
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { validateServerChain, validateWithForge } from '../src/bearssl/x509.ts';
import { DEFAULT_UTC_MS, pki } from './helpers/pki.ts';

const der = (name: string): Buffer => new X509Certificate(pki(`${name}.crt`)).raw;
const x509 = (name: string): X509Certificate => new X509Certificate(pki(`${name}.crt`));

const LEAVES = ['broker', 'broker-expired', 'broker-not-yet-valid', 'broker-rogue', 'broker-wrong-host', 'node', 'ca'];
const SECOND = [undefined, 'ca', 'rogue-ca', 'broker'];
const ANCHORS = [['ca'], ['rogue-ca'], ['rogue-ca', 'ca'], []];
const HOSTS = ['broker.local', null];
const AT = [DEFAULT_UTC_MS / 1000, Date.UTC(2050, 0, 1) / 1000, Date.UTC(2023, 0, 1) / 1000];

describe('validateServerChain', () => {
  it('accepts the broker certificate sent alone or followed by the CA', () => {
    for (const chain of [[der('broker')], [der('broker'), der('ca')]]) {
      expect(validateServerChain(chain, [x509('ca')], 'broker.local', DEFAULT_UTC_MS / 1000)).toEqual({ ok: true });
    }
  });

  it('gives the full path verdict, detail included, for every chain, anchor set, host and date', () => {
    let cases = 0;
    for (const leaf of LEAVES)
      for (const second of SECOND)
        for (const anchors of ANCHORS)
          for (const host of HOSTS)
            for (const at of AT) {
              const chain = second === undefined ? [der(leaf)] : [der(leaf), der(second)];
              const trust = anchors.map(x509);
              const what = `${leaf}${second ? ` + ${second}` : ''} against [${anchors}] for ${host} at ${at}`;
              expect(validateServerChain(chain, trust, host, at), what).toEqual(validateWithForge(chain, trust, host, at));
              cases++;
            }
    expect(cases).toBe(LEAVES.length * SECOND.length * ANCHORS.length * HOSTS.length * AT.length);
  }, 120_000);
});
