// The emulated node against a broker outside the world (the user's own
// mosquitto): its TCP connections leave the process, and what the real broker
// says is put in words from the node's own BearSSL/PubSubClient codes. An
// outside broker runs in real time, so a world with one is paced to the wall clock.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { countedSocket } from './socket-duplex.ts';
import { BR_ERR_OK, BR_ERR_RECV_FATAL_ALERT, BR_ERR_SEND_FATAL_ALERT, brErrorName } from '@esphil/esp-model';

export interface OutsideBroker {
  url: string;
  host: string;
  port: number;
}

const MQTTS_PORT = 8883;

/** `mqtts://HOST[:PORT]`; throws an Error saying what is wrong. */
export function parseBrokerUrl(text: string): OutsideBroker {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${JSON.stringify(text)} is not a URL (mqtts://HOST:PORT)`);
  }
  if (url.protocol !== 'mqtts:') throw new Error(`${JSON.stringify(text)}: the node speaks only TLS, so the URL must be mqtts://HOST:PORT (got ${url.protocol}//)`);
  if (url.pathname !== '' && url.pathname !== '/') throw new Error(`${JSON.stringify(text)}: no path expected after HOST:PORT`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new Error(`${JSON.stringify(text)}: no host`);
  return { url: `mqtts://${url.host}`, host, port: url.port ? Number(url.port) : MQTTS_PORT };
}

/** RFC 5246 §7.2 alert descriptions, as a person reads them. */
const ALERT_WORDS: Record<number, string> = {
  40: 'handshake failure',
  42: 'bad certificate',
  43: 'unsupported certificate',
  44: 'certificate revoked',
  45: 'certificate expired',
  46: 'certificate unknown',
  47: 'illegal parameter',
  48: 'unknown CA',
  49: 'access denied',
  51: 'decrypt error',
  70: 'protocol version',
  71: 'insufficient security',
  80: 'internal error',
  116: 'certificate required',
};
/** Alerts a broker sends about the client's certificate (OpenSSL ssl_x509err2alert, TLS 1.3 certificate_required). */
const CERTIFICATE_ALERTS = new Set([42, 43, 44, 45, 46, 48, 116]);

/** PubSubClient state() codes (PubSubClient.h) other than the TLS/TCP ones. */
const CONNACK_WORDS: Record<number, string> = {
  1: 'CONNACK 1, unacceptable protocol version',
  2: 'CONNACK 2, client id rejected',
  3: 'CONNACK 3, server unavailable',
  4: 'CONNACK 4, bad user name or password',
  5: 'CONNACK 5, not authorized',
};

/**
 * Why a connect attempt failed, in words, from the sketch's `esp-mqtt-connect-failed`
 * detail (PubSubClient state, BearSSL last error) and the TCP error if there was one.
 */
export function refusalInWords(state: number, sslError: number, tcpError: string | null): { what: 'broker-unreachable' | 'broker-refused'; reason: string } {
  if (tcpError) return { what: 'broker-unreachable', reason: tcpError };
  if (sslError >= BR_ERR_RECV_FATAL_ALERT && sslError < BR_ERR_SEND_FATAL_ALERT) {
    const alert = sslError - BR_ERR_RECV_FATAL_ALERT;
    const words = ALERT_WORDS[alert] ?? 'alert';
    const whose = CERTIFICATE_ALERTS.has(alert) ? "broker refused the node's certificate" : 'broker refused the TLS handshake';
    return { what: 'broker-refused', reason: `${whose}: ${words} (alert ${alert}; BearSSL error ${sslError})` };
  }
  if (sslError !== BR_ERR_OK) return { what: 'broker-refused', reason: `node refused the broker: ${brErrorName(sslError)} (BearSSL error ${sslError})` };
  if (CONNACK_WORDS[state]) return { what: 'broker-refused', reason: `broker refused the MQTT connection: ${CONNACK_WORDS[state]}` };
  return { what: 'broker-refused', reason: `connection closed by the broker (PubSubClient state ${state})` };
}

/** A TCP connection to the outside broker that counts its bytes as world activity and says why it could not be made. */
export function connectOutside(b: OutsideBroker, onActivity: () => void, onFailure: (reason: string) => void): Duplex {
  const sock = net.connect({ host: b.host, port: b.port });
  let connected = false;
  sock.once('connect', () => (connected = true));
  // After the TCP handshake a reset is the broker's answer, which the TLS layer reports.
  sock.once('error', (e: NodeJS.ErrnoException) => connected || onFailure(tcpWords(b, e)));
  return countedSocket(sock, { sent: onActivity, received: onActivity, closed: onActivity });
}

function tcpWords(b: OutsideBroker, e: NodeJS.ErrnoException): string {
  const at = `${b.host}:${b.port}`;
  switch (e.code) {
    case 'ECONNREFUSED': return `nothing listens on ${at} (connection refused)`;
    case 'ENOTFOUND': case 'EAI_AGAIN': return `host name ${b.host} not found`;
    case 'ETIMEDOUT': case 'EHOSTUNREACH': case 'ENETUNREACH': return `${at} cannot be reached (${e.code})`;
    default: return `${at}: ${e.message}`;
  }
}
