// One client connection: TLS server side over any duplex, the client
// certificate check against the broker's clock, then MQTT bytes to and from
// aedes through the capture tap. Nothing reaches aedes (or the MQTT parser)
// before the certificate has been accepted.
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { TLSSocket, type DetailedPeerCertificate, type PeerCertificate, type SecureContext } from 'node:tls';
import type { Packet } from 'mqtt-packet';
import type { BrokerConfig } from './config.ts';
import { FrameDecoder } from './mqtt/decode.ts';
import { mqttUtf8Problem, rawTopicStrings } from './mqtt/utf8.ts';
import { connectRefusal, type ConnectRefusal } from './mqtt/connect-check.ts';
import mqttPacket from 'mqtt-packet';
import type { BrokerLimits } from './limits.ts';
import { AedesInflow } from './aedes-inflow.ts';
import { OutboundQueue } from './outbound-queue.ts';
import { MqttFramer, type DroppedPublish } from './mqtt/framer.ts';
import { publishDenied } from './policy.ts';
import { SSL_AD_CERTIFICATE_REQUIRED, SSL_AD_HANDSHAKE_FAILURE, alertFor, tls12FatalAlert } from './tls/alerts.ts';
import { OutboundHold } from './tls/outbound-hold.ts';
import { isSelfHolding, type TlsWriteHold } from './tls/held-writes.ts';
import { tls13FatalAlert } from './tls/tls13-alert.ts';
import { verifyClientChain, type TrustStore } from './tls/verify.ts';
import type { BrokerClock, BrokerEvent, CaptureRecord, Endpoint } from './types.ts';

export interface ConnectionHost {
  readonly config: BrokerConfig;
  readonly clock: BrokerClock;
  readonly trust: TrustStore;
  readonly limits: BrokerLimits;
  capture(r: CaptureRecord): void;
  event(e: BrokerEvent): void;
  /** Hands the verified MQTT byte stream to aedes. */
  attach(conn: Connection, mqttStream: Duplex): void;
  detach(conn: Connection): void;
}

type Verdict = { ok: true; identity: string | null; subject: string | null } | { ok: false; code: string; reason: string; alert: number };

/** The client's certificate chain as sent, leaf first (DER). */
function peerChain(leaf: PeerCertificate): Buffer[] {
  const chain: Buffer[] = [];
  let c: DetailedPeerCertificate | undefined = leaf as DetailedPeerCertificate;
  while (c && c.raw && chain.length < 10) {
    chain.push(c.raw);
    if (c.issuerCertificate === c) break;
    c = c.issuerCertificate;
  }
  return chain;
}

export class Connection {
  clientId = '';
  identity: string | null = null;
  /** Client certificate subject (RFC 2253), for use_subject_as_username. */
  subject: string | null = null;
  /** The MQTT user name after use_identity_as_username. */
  username: string | null = null;
  /** Set once aedes has accepted the CONNECT. */
  mqttConnected = false;
  private readonly tls: TLSSocket;
  /** Between the TLS server and the transport: holds the server's answer to a TLS 1.3 client flight until it is judged. */
  private readonly hold: TlsWriteHold;
  /** TLS 1.3 only: the server application traffic secret, from the keylog line SERVER_TRAFFIC_SECRET_0. */
  private serverTrafficSecret: Buffer | null = null;
  private mqtt: Duplex | null = null;
  /** Whole packets from the client on their way into aedes, no faster than aedes handles them. */
  private inflow: AedesInflow | null = null;
  private readonly inbound: MqttFramer;
  private readonly outbound = new MqttFramer();
  /** Written to the client and not yet taken by its socket; full, it drops QoS 0 PUBLISHes as mosquitto does. */
  private readonly unsent: OutboundQueue;
  private readonly fromClient = new FrameDecoder();
  private readonly fromAedes = new FrameDecoder();
  private closed = false;
  /** A protocol error is waiting for aedes to handle the packets before it: the rest of the stream is ignored. */
  private failing = false;
  private verdict: Verdict | null = null;
  /** A fatal alert went out and the transport was ended (onKeylog for TLS 1.2, onSecure for TLS 1.3). */
  private alertSent = false;
  /** The client ended its side first (its FIN / EOF), as opposed to the broker closing. */
  private peerEnded = false;
  /** Closes a connection that has not sent CONNECT in time (cleared by the CONNECT). */
  private connectDeadline: ReturnType<typeof setTimeout> | null;

  constructor(
    private readonly host: ConnectionHost,
    readonly id: number,
    private readonly stream: Duplex,
    readonly remote: Endpoint,
    readonly local: Endpoint,
    secureContext: SecureContext,
  ) {
    // An in-memory link end applies the hold to its own handle, which TLS then uses directly;
    // any other transport gets the hold as a stream layer.
    const held = isSelfHolding(stream) ? { hold: stream.tlsWriteHold, transport: stream } : OutboundHold.layer(stream);
    this.hold = held.hold;
    // TLSSocket takes any Duplex at run time; its typings only name net.Socket.
    this.tls = new TLSSocket(held.transport as unknown as Socket, {
      isServer: true,
      secureContext,
      requestCert: true,
      // Node would check against the wall clock; the broker checks against its own clock in onSecure().
      rejectUnauthorized: false,
    });
    const { maxPacketSize, messageSizeLimit, connectTimeoutMs } = host.limits;
    this.unsent = new OutboundQueue(host.limits);
    this.inbound = new MqttFramer({ maxPacketSize, messageSizeLimit, onDropped: (d) => this.dropped(d) });
    this.connectDeadline = setTimeout(() => this.close(`no CONNECT within ${connectTimeoutMs / 1000} s`), connectTimeoutMs);
    this.connectDeadline.unref?.();
    host.event({ what: 'connection-opened', detail: { connId: id, tNs: host.clock.nowNs(), remote, local } });
    stream.once('end', () => (this.peerEnded = true));
    // An unhandled 'error' on the transport would take the whole process down.
    stream.on('error', (err: Error) => this.close(`transport error: ${err.message}`));
    this.tls.on('error', (err: NodeJS.ErrnoException) => this.onTlsError(err));
    this.tls.on('keylog', (line: Buffer) => this.onKeylog(line));
    this.tls.once('secure', () => this.onSecure());
    this.tls.on('close', () => this.close(this.peerEnded ? 'closed by client' : 'connection lost'));
  }

  private onTlsError(err: NodeJS.ErrnoException): void {
    // OpenSSL's own alert, if it wrote one, leaves as it would from mosquitto.
    this.hold.release();
    if (this.mqtt === null && !this.closed) {
      this.refuse(err.code ?? 'TLS_ERROR', err.message);
    } else {
      this.close(`TLS error: ${err.message}`);
    }
  }

  private refuse(code: string, reason: string): void {
    if (this.closed) return;
    const alertSent = this.alertSent;
    this.host.event({ what: 'tls-refused', detail: { connId: this.id, remote: this.remote, code, reason, alertSent } });
    this.close(reason, alertSent);
  }

  /** The broker's judgement of the client certificate, made once. */
  private judge(): Verdict {
    if (this.verdict) return this.verdict;
    const { config, trust, clock } = this.host;
    const leaf = this.tls.getPeerCertificate(true);
    if (!leaf || !leaf.raw) {
      // OpenSSL with SSL_VERIFY_FAIL_IF_NO_PEER_CERT: "peer did not return a certificate";
      // TLS 1.3 has an alert of its own for it (RFC 8446 §4.4.2.4).
      const alert = this.serverTrafficSecret ? SSL_AD_CERTIFICATE_REQUIRED : SSL_AD_HANDSHAKE_FAILURE;
      this.verdict = config.requireCertificate
        ? { ok: false, code: 'NO_CLIENT_CERTIFICATE', reason: 'peer did not return a certificate', alert }
        : { ok: true, identity: null, subject: null };
    } else {
      const r = verifyClientChain(peerChain(leaf), trust, clock.utcMs());
      this.verdict = r.ok ? { ok: true, identity: r.commonName, subject: r.subject } : { ok: false, code: r.code, reason: r.reason, alert: alertFor(r.code) };
    }
    return this.verdict;
  }

  /**
   * TLS 1.2: the server logs CLIENT_RANDOM while it processes the client's
   * Certificate/ClientKeyExchange flight, before its own ChangeCipherSpec. A
   * refusal here can still send a plaintext fatal alert and end the stream,
   * which is what mosquitto (OpenSSL) does; the client's handshake fails.
   * TLS 1.3: the server logs SERVER_TRAFFIC_SECRET_0 while it builds its own
   * flight; the client's certificate comes after it and is judged in onSecure().
   */
  private onKeylog(line: Buffer): void {
    if (this.verdict || this.closed) return;
    const text = line.toString('latin1');
    if (text.startsWith('SERVER_TRAFFIC_SECRET_0 ')) {
      this.serverTrafficSecret = Buffer.from(text.trim().split(' ')[2]!, 'hex');
      this.hold.holdAfterClientFlight();
      return;
    }
    if (!text.startsWith('CLIENT_RANDOM ')) return;
    const v = this.judge();
    if (v.ok) return;
    this.sendAlert(tls12FatalAlert(v.alert));
    this.refuse(v.code, v.reason);
  }

  /** Writes a fatal alert record of the broker's own in place of anything the TLS server would still send, and ends the transport. */
  private sendAlert(record: Buffer): void {
    this.hold.seal();
    this.stream.write(record);
    this.stream.end();
    this.alertSent = true;
  }

  private onSecure(): void {
    if (this.closed) return; // stopped or refused mid-handshake
    const v = this.judge();
    if (!v.ok) {
      // TLS 1.3, as OpenSSL refuses after its Finished: the first record under the server's application key.
      if (this.serverTrafficSecret) this.sendAlert(tls13FatalAlert(this.tls.getCipher().standardName, this.serverTrafficSecret, v.alert));
      return this.refuse(v.code, v.reason);
    }
    this.hold.release();
    this.identity = v.identity;
    this.subject = v.subject;
    const mqtt = new Duplex({
      read() {},
      write: (chunk: Buffer, _enc, cb) => {
        this.fromBroker(chunk);
        cb();
      },
      final: (cb) => {
        this.tls.end();
        cb();
      },
      destroy: (err, cb) => {
        this.close('closed by broker');
        cb(err);
      },
    });
    this.mqtt = mqtt;
    this.inflow = new AedesInflow((raw) => mqtt.push(raw), this.tls);
    this.host.attach(this, mqtt);
    this.tls.on('data', (chunk: Buffer) => this.toBroker(chunk));
    this.tls.on('end', () => {
      this.peerEnded = true;
      mqtt.push(null);
    });
  }

  private toBroker(chunk: Buffer): void {
    if (this.failing) return;
    let frames: Buffer[];
    try {
      frames = this.inbound.push(chunk);
    } catch (e) {
      return this.protocolError((e as Error).message);
    }
    for (const raw of frames) {
      if (this.closed) return;
      let packet: Packet;
      try {
        packet = this.fromClient.decode(raw);
      } catch (e) {
        return this.protocolError(`undecodable packet from client: ${(e as Error).message}`);
      }
      if (packet.cmd === 'connect') {
        this.clearDeadline();
        this.clientId = packet.clientId;
        // As authenticate() will set it; known now so a PUBLISH right behind the CONNECT is judged by the ACL in record().
        this.username = this.host.config.useIdentityAsUsername ? this.identity : (packet.username ?? null);
        this.fromClient.protocolVersion = packet.protocolVersion ?? 4;
        // aedes 1.x answers an MQTT 5 CONNECT with a 3.1.1 CONNACK (return code 1), so its side stays 3.1.1.
        this.fromAedes.protocolVersion = packet.protocolVersion === 3 ? 3 : 4;
      }
      if (packet.cmd === 'publish' || packet.cmd === 'subscribe' || packet.cmd === 'unsubscribe') {
        const bad = rawTopicStrings(raw).map(mqttUtf8Problem).find((p) => p !== null);
        if (bad) return this.protocolErrorInTurn(`${packet.cmd.toUpperCase()} topic ${bad}`);
      }
      this.record('to-broker', packet, raw);
      const refusal = packet.cmd === 'connect' ? connectRefusal(packet, this.host.config) : null;
      if (refusal) return this.refuseConnect(refusal);
      this.inflow!.give(raw);
    }
  }

  /** aedes has handled one of this client's packets (Broker.attach hooks it up). */
  packetHandled(): void {
    this.inflow?.handled();
  }

  private refuseConnect(r: ConnectRefusal): void {
    this.host.event({ what: 'connect-refused', detail: { connId: this.id, clientId: this.clientId, identity: this.identity, returnCode: r.returnCode, reason: r.reason } });
    this.fromBroker(mqttPacket.generate({ cmd: 'connack', returnCode: r.returnCode, sessionPresent: false }));
    this.close(r.reason);
  }

  private clearDeadline(): void {
    if (this.connectDeadline) clearTimeout(this.connectDeadline);
    this.connectDeadline = null;
  }

  /**
   * message_size_limit: the payload was never buffered nor seen by aedes; the QoS
   * flow still completes (mosquitto handle_publish.c, "Dropped too large PUBLISH").
   */
  private dropped(d: DroppedPublish): void {
    this.host.event({ what: 'publish-too-large', detail: { connId: this.id, clientId: this.clientId, ...d } });
    if (d.messageId === undefined || this.closed) return;
    const ack = mqttPacket.generate(d.qos === 1 ? { cmd: 'puback', messageId: d.messageId } : { cmd: 'pubrec', messageId: d.messageId });
    this.fromBroker(ack);
  }

  private fromBroker(chunk: Buffer): void {
    if (this.closed) return;
    let frames: Buffer[];
    try {
      frames = this.outbound.push(chunk);
    } catch (e) {
      return this.protocolError(`aedes wrote a malformed packet: ${(e as Error).message}`);
    }
    for (const raw of frames) {
      const admitted = this.unsent.admit(raw);
      if (admitted.verdict !== 'send') {
        // mosquitto db__message_insert: "Outgoing messages are being dropped for client %s." (once per run)
        if (admitted.verdict === 'drop-first') {
          const { packets: queuedPackets, bytes: queuedBytes } = this.unsent;
          this.host.event({ what: 'outgoing-dropped', detail: { connId: this.id, clientId: this.clientId, queuedPackets, queuedBytes } });
        }
        continue;
      }
      this.record('from-broker', this.fromAedes.decode(raw), raw);
      // One write per packet, so each MQTT packet travels in its own TLS record as with mosquitto.
      this.tls.write(raw, admitted.written);
    }
  }

  private record(dir: CaptureRecord['dir'], packet: Packet, raw: Buffer): void {
    this.host.capture({
      tNs: this.host.clock.nowNs(),
      dir,
      connId: this.id,
      clientId: this.clientId,
      identity: this.identity,
      remote: this.remote,
      local: this.local,
      packet,
      raw,
      ...(dir === 'to-broker' && packet.cmd === 'publish' && publishDenied(this.host.config, { username: this.username, clientId: this.clientId }, packet.topic)
        ? { denied: true as const }
        : {}),
    });
  }

  /**
   * A protocol error judged once aedes has handled the packets before it; nothing more is
   * read meanwhile (the inflow pauses the client while the action waits its turn).
   */
  private protocolErrorInTurn(reason: string): void {
    this.failing = true;
    this.inflow!.after(() => this.protocolError(reason));
  }

  private protocolError(reason: string): void {
    this.host.event({ what: 'protocol-error', detail: { connId: this.id, clientId: this.clientId, reason } });
    this.close(reason);
  }

  /** Closes the connection from either side; safe to call repeatedly. */
  close(reason: string, streamEnded = false): void {
    if (this.closed) return;
    this.closed = true;
    this.clearDeadline();
    this.inflow?.stop();
    if (this.mqttConnected) {
      this.host.event({
        what: 'client-disconnected',
        detail: { connId: this.id, clientId: this.clientId, identity: this.identity, reason },
      });
    }
    this.mqtt?.destroy();
    // destroySoon(), not destroy(): a CONNACK already written still leaves, and
    // the wrapped stream gets end() so an in-memory peer sees EOF (destroy()
    // would only destroy a plain Duplex, which its pair partner never notices).
    // After an alert OpenSSL is still inside this handshake step: destroy once it has returned.
    if (streamEnded) process.nextTick(() => this.tls.destroy());
    else this.tls.destroySoon();
    this.host.event({ what: 'connection-closed', detail: { connId: this.id, tNs: this.host.clock.nowNs(), by: this.peerEnded ? 'client' : 'broker', reason } });
    this.host.detach(this);
  }
}
