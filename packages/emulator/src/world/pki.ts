// A deployment folder (`esphil certs`, `--pki DIR`, `node: pki: DIR`) applied
// to a world: the node, the in-process broker and the operator all take their
// credentials from it, and the broker runs the folder's mosquitto.conf.
import type { PkiFolder } from '@esphil/broker';
import type { WorldConfig } from './config.ts';

/** `base` with the folder's credentials and conf; `base` itself without a folder. */
export function withPki(base: WorldConfig, pki: PkiFolder | undefined): WorldConfig {
  if (!pki) return base;
  return {
    ...base,
    node: { ...base.node, caPem: pki.ca.pem, certPem: pki.node.certPem, keyPem: pki.node.keyPem },
    operator: { caPem: pki.ca.pem, certPem: pki.operator.certPem, keyPem: pki.operator.keyPem, otaSigningKeyPem: pki.ota?.signingPem ?? base.operator.otaSigningKeyPem },
    broker: { confPath: pki.confPath },
  };
}
