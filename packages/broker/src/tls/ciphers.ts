// The listener's cipher suites, set up as mosquitto 2.0 sets up its SSL_CTX
// (src/net_mosq.c net__tls_server_ctx), so a client is offered and refused the
// same suites by this broker as by mosquitto with the same conf.
import { createSecureContext, type SecureContextOptions } from 'node:tls';

/**
 * mosquitto's TLS 1.2 cipher list when the listener has no `ciphers`. OpenSSL's
 * DEFAULT here is its own built-in list (not Node's tls.DEFAULT_CIPHERS), which
 * leaves out the CCM, CCM8 and ARIA suites Node would otherwise accept.
 */
export const MOSQUITTO_DEFAULT_CIPHERS = 'DEFAULT:!aNULL:!eNULL:!LOW:!EXPORT:!SSLv2:@STRENGTH';

/**
 * The names of a cipher list the OpenSSL call for that protocol would look at:
 * TLS 1.3 suites are named TLS_*, and SSL_CTX_set_cipher_list /
 * SSL_CTX_set_ciphersuites skip names they do not know.
 */
function namesFor(list: string, tls13: boolean): string {
  return list
    .split(':')
    .filter((name) => name !== '' && name.startsWith('TLS_') === tls13)
    .join(':');
}

/** The cipher-related SecureContext options for a listener's `ciphers` / `ciphers_tls1.3`. */
export function listenerCipherOptions(ciphers: string | undefined, ciphersTls13: string | undefined): SecureContextOptions {
  return {
    // Node splits one list: TLS_* names go to SSL_CTX_set_ciphersuites (TLS 1.3), the
    // rest to SSL_CTX_set_cipher_list; without `ciphers_tls1.3` OpenSSL's TLS 1.3 defaults stay.
    ciphers: [namesFor(ciphers ?? MOSQUITTO_DEFAULT_CIPHERS, false), namesFor(ciphersTls13 ?? '', true)].filter(Boolean).join(':'),
    // SSL_OP_CIPHER_SERVER_PREFERENCE: "Server chooses cipher".
    honorCipherOrder: true,
    // mosquitto 2.0.10+ calls SSL_CTX_set_dh_auto (without a dhparamfile), so DHE suites work.
    dhparam: 'auto',
  };
}

/**
 * mosquitto's refusal to start with this `ciphers` (TLS 1.2) or `ciphers_tls1.3`
 * value, in its words, or null when OpenSSL finds a suite in it.
 */
export function cipherListProblem(list: string, tls13: boolean): string | null {
  const names = namesFor(list, tls13);
  if (names !== '' && openSslTakes(names)) return null;
  return tls13 ? `Unable to set TLS 1.3 ciphersuites. Check cipher_tls13 list "${list}".` : `Unable to set TLS ciphers. Check cipher list "${list}".`;
}

/** OpenSSL finds at least one suite it knows in `names`. */
function openSslTakes(names: string): boolean {
  try {
    createSecureContext({ ciphers: names, ca: [] }); // ca: no system roots loaded for a trial context
    return true;
  } catch {
    return false;
  }
}
