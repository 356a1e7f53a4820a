// Node/OpenSSL handshake errors expressed as the code BearSSL's engine would hold.
import {
  BR_ERR_BAD_HANDSHAKE,
  BR_ERR_BAD_LENGTH,
  BR_ERR_BAD_CIPHER_SUITE,
  BR_ERR_IO,
  BR_ERR_OK,
  BR_ERR_RECV_FATAL_ALERT,
  BR_ERR_UNSUPPORTED_VERSION,
} from './errors.ts';

export function brCodeForTlsError(err: Error & { code?: string }): number {
  const msg = err.message ?? '';
  const alert = /alert number (\d+)/i.exec(msg);
  if (alert) return BR_ERR_RECV_FATAL_ALERT + Number(alert[1]);
  if (/wrong version number|unsupported protocol|version too low|no protocols available/i.test(msg)) return BR_ERR_UNSUPPORTED_VERSION;
  if (/packet length too long|record length|record layer failure/i.test(msg)) return BR_ERR_BAD_LENGTH;
  if (/no shared cipher|cipher/i.test(msg)) return BR_ERR_BAD_CIPHER_SUITE;
  // A dropped TCP connection is not an engine error: WiFiClientSecure::_run_until() just stops
  // when the socket leaves ESTABLISHED, so getLastSSLError() stays BR_ERR_OK.
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || /socket disconnected|socket hang up|premature close/i.test(msg)) return BR_ERR_OK;
  if (err.code?.startsWith('ERR_SSL')) return BR_ERR_BAD_HANDSHAKE;
  return BR_ERR_IO;
}
