// The listener's cipher suites, set up as mosquitto 2.0 sets up its SSL_CTX
// (src/net_mosq.c net__tls_server_ctx), so a client is offered and refused the
// same suites by this broker as by mosquitto with the same conf.
import type { SecureContextOptions } from 'node:tls';

/**
 * mosquitto's TLS 1.2 cipher list when the listener has no `ciphers`. OpenSSL's
 * DEFAULT here is its own built-in list (not Node's tls.DEFAULT_CIPHERS), which
 * leaves out the CCM, CCM8 and ARIA suites Node would otherwise accept.
 */
export const MOSQUITTO_DEFAULT_CIPHERS = 'DEFAULT:!aNULL:!eNULL:!LOW:!EXPORT:!SSLv2:@STRENGTH';

/** The cipher-related SecureContext options for a listener's `ciphers` / `ciphers_tls1.3`. */
export function listenerCipherOptions(ciphers: string | undefined, ciphersTls13: string | undefined): SecureContextOptions {
  return {
    // Node splits one list: TLS_* names go to SSL_CTX_set_ciphersuites (TLS 1.3), the
    // rest to SSL_CTX_set_cipher_list; without `ciphers_tls1.3` OpenSSL's TLS 1.3 defaults stay.
    ciphers: [ciphers ?? MOSQUITTO_DEFAULT_CIPHERS, ciphersTls13].filter(Boolean).join(':'),
    // SSL_OP_CIPHER_SERVER_PREFERENCE: "Server chooses cipher".
    honorCipherOrder: true,
    // mosquitto 2.0.10+ calls SSL_CTX_set_dh_auto (without a dhparamfile), so DHE suites work.
    dhparam: 'auto',
  };
}
