// PubSubClient 2.8 (knolleary/pubsubclient src/PubSubClient.cpp) over mqtt-packet.
// Blocking reads (readByte with the socket timeout, the CONNACK wait) park the sketch in virtual time.
import mqttPacket from 'mqtt-packet';
import type { Cpu } from '../core/cpu.ts';
import type { MqttTransport } from './client.ts';
import { deadlineAfterMillis, readPacket, type PubSubEventKind, type ReadResult } from './read-packet.ts';
import {
  MQTT_CONNECTED,
  MQTT_CONNECTION_LOST,
  MQTT_CONNECTION_TIMEOUT,
  MQTT_CONNECT_FAILED,
  MQTT_DISCONNECTED,
  MQTT_KEEPALIVE,
  MQTT_MAX_HEADER_SIZE,
  MQTT_MAX_PACKET_SIZE,
  MQTT_SOCKET_TIMEOUT,
  MQTT_VERSION_3_1_1,
  MQTTPINGREQ,
  MQTTPINGRESP,
  MQTTPUBLISH,
  MQTTQOS1,
} from './constants.ts';

// mqtt-packet writes two-byte numbers (packet ids, string lengths) from a table of all 65536 of
// them that it fills on its first packet: ~13 ms and 65536 Buffers for the GC before a node's
// CONNECT leaves. A node sends a few packets a minute, so each number is made as it is written
// instead, the same two bytes. The setting is mqtt-packet's own (mqtt.js's writeCache: false sets
// it too) and holds for every writer in the process, the broker's included.
mqttPacket.writeToStream.cacheNumbers = false;

export type MqttCallback = (topic: string, payload: Uint8Array, length: number) => void;

export interface PubSubEvent {
  kind: PubSubEventKind;
  detail: string;
}

const u32 = (x: number) => x >>> 0;

export class PubSubClient {
  private _state = MQTT_DISCONNECTED;
  private domain = '';
  private port = 1883;
  private callback: MqttCallback | null = null;
  private buffer = new Uint8Array(MQTT_MAX_PACKET_SIZE);
  private keepAlive = MQTT_KEEPALIVE;
  private socketTimeout = MQTT_SOCKET_TIMEOUT;
  private nextMsgId = 1;
  private lastInActivity = 0;
  private lastOutActivity = 0;
  private pingOutstanding = false;
  private readonly events: ((e: PubSubEvent) => void)[] = [];
  /** note(), bound once: readPacket() takes it for every incoming packet. */
  private readonly noteRead = (kind: PubSubEventKind, detail: string): void => this.note(kind, detail);

  constructor(
    private readonly cpu: Cpu,
    private readonly client: MqttTransport,
  ) {}

  setServer(domain: string, port: number): this {
    this.domain = domain;
    this.port = port;
    return this;
  }

  setCallback(cb: MqttCallback): this {
    this.callback = cb;
    return this;
  }

  setKeepAlive(seconds: number): this {
    this.keepAlive = seconds;
    return this;
  }

  setSocketTimeout(seconds: number): this {
    this.socketTimeout = seconds;
    return this;
  }

  setBufferSize(size: number): boolean {
    if (size === 0) return false;
    this.buffer = new Uint8Array(size);
    return true;
  }

  getBufferSize(): number {
    return this.buffer.length;
  }

  state(): number {
    return this._state;
  }

  /** Diagnostics the C++ library keeps silent about (oversize drops, malformed packets). */
  onEvent(cb: (e: PubSubEvent) => void): void {
    this.events.push(cb);
  }

  private note(kind: PubSubEventKind, detail: string): void {
    for (const cb of this.events) cb({ kind, detail });
  }

  /** connect(id): MQTT 3.1.1, clean session, then wait up to the socket timeout for CONNACK. */
  async connect(id: string): Promise<boolean> {
    if (this.connected()) return true;
    const result = this.client.connected() ? 1 : await this.client.connect(this.domain, this.port);
    if (result !== 1) {
      this._state = MQTT_CONNECT_FAILED;
      return false;
    }
    this.nextMsgId = 1;
    // CHECK_STRING_LENGTH: the CONNECT must fit the buffer, or the socket is dropped.
    const pkt = mqttPacket.generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: MQTT_VERSION_3_1_1,
      clean: true,
      keepalive: this.keepAlive,
      clientId: id,
    });
    if (pkt.length > this.buffer.length) {
      this.client.stop();
      return false;
    }
    this.writePacket(pkt);
    this.lastInActivity = this.lastOutActivity = this.cpu.millis();
    const gotBytes = await this.cpu.block(
      () => this.client.available() > 0,
      deadlineAfterMillis(this.cpu, this.lastInActivity, this.socketTimeout * 1000),
    );
    if (!gotBytes) {
      this._state = MQTT_CONNECTION_TIMEOUT;
      this.client.stop();
      return false;
    }
    const { len } = await this.readPacket();
    if (len === 4) {
      if (this.buffer[3] === 0) {
        this.lastInActivity = this.cpu.millis();
        this.pingOutstanding = false;
        this._state = MQTT_CONNECTED;
        return true;
      }
      this._state = this.buffer[3]!;
    }
    this.client.stop();
    return false;
  }

  disconnect(): void {
    this.writePacket(mqttPacket.generate({ cmd: 'disconnect' }));
    this._state = MQTT_DISCONNECTED;
    this.client.stop();
    this.lastInActivity = this.lastOutActivity = this.cpu.millis();
  }

  connected(): boolean {
    const rc = this.client.connected();
    if (!rc) {
      if (this._state === MQTT_CONNECTED) {
        this._state = MQTT_CONNECTION_LOST;
        this.client.stop();
      }
      return false;
    }
    return this._state === MQTT_CONNECTED;
  }

  /** publish(): false when not connected or when the packet would not fit the buffer. */
  publish(topic: string, payload: Uint8Array | string, retained = false): boolean {
    if (!this.connected()) return false;
    const body = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : Buffer.from(payload);
    const topicLen = Buffer.byteLength(topic, 'utf8');
    if (this.buffer.length < MQTT_MAX_HEADER_SIZE + 2 + topicLen + body.length) return false;
    const pkt = mqttPacket.generate({ cmd: 'publish', topic, payload: body, qos: 0, retain: retained, dup: false });
    return this.writePacket(pkt);
  }

  /** subscribe(topic, qos): QoS 0 or 1; the SUBACK is not waited for. */
  subscribe(topic: string, qos: 0 | 1 = 0): boolean {
    if (qos > 1) return false;
    if (this.buffer.length < 9 + Buffer.byteLength(topic, 'utf8')) return false;
    if (!this.connected()) return false;
    this.nextMsgId = (this.nextMsgId + 1) & 0xffff || 1;
    const pkt = mqttPacket.generate({ cmd: 'subscribe', messageId: this.nextMsgId, subscriptions: [{ topic, qos }] });
    return this.writePacket(pkt);
  }

  /** loop(): keepalive pings, then at most one incoming packet. */
  async loop(): Promise<boolean> {
    if (!this.connected()) return false;
    const t = this.cpu.millis();
    const ka = this.keepAlive * 1000;
    if (u32(t - this.lastInActivity) > ka || u32(t - this.lastOutActivity) > ka) {
      if (this.pingOutstanding) {
        this._state = MQTT_CONNECTION_TIMEOUT;
        this.client.stop();
        return false;
      }
      this.client.write(Uint8Array.of(MQTTPINGREQ, 0));
      this.lastOutActivity = t;
      this.lastInActivity = t;
      this.pingOutstanding = true;
    }
    if (this.client.available() > 0) {
      const { len } = await this.readPacket();
      if (len > 0) {
        this.lastInActivity = t;
        this.dispatch(len, t);
      } else if (!this.connected()) {
        return false;
      }
    }
    return true;
  }

  private dispatch(len: number, t: number): void {
    const raw = this.buffer.subarray(0, len);
    const type = raw[0]! & 0xf0;
    // The keep-alive answer, d0 00, is always well formed: no parser needs building for it.
    if (len === 2 && raw[0] === MQTTPINGRESP && raw[1] === 0) {
      this.pingOutstanding = false;
      return;
    }
    const parsed = this.parse(raw);
    if (!parsed) return;
    if (type === MQTTPUBLISH) {
      if (!this.callback || parsed.cmd !== 'publish') return;
      const payload = new Uint8Array(parsed.payload as Buffer);
      this.callback(parsed.topic, payload, payload.length);
      if ((raw[0]! & 0x06) === MQTTQOS1) {
        this.client.write(mqttPacket.generate({ cmd: 'puback', messageId: parsed.messageId ?? 0 }));
        this.lastOutActivity = t;
      }
    } else if (type === MQTTPINGREQ) {
      this.client.write(Uint8Array.of(MQTTPINGRESP, 0));
    } else if (type === MQTTPINGRESP) {
      this.pingOutstanding = false;
    }
  }

  /** A packet the C++ would misread ends the connection here instead of corrupting memory. */
  private parse(raw: Uint8Array): mqttPacket.Packet | null {
    let packet: mqttPacket.Packet | null = null;
    let error: Error | null = null;
    const parser = mqttPacket.parser({ protocolVersion: MQTT_VERSION_3_1_1 });
    parser.on('packet', (p) => (packet ??= p));
    parser.on('error', (e) => (error ??= e));
    try {
      parser.parse(Buffer.from(raw));
    } catch (e) {
      error ??= e instanceof Error ? e : new Error(String(e));
    }
    if (error || !packet) {
      const hex = Buffer.from(raw.subarray(0, 16)).toString('hex');
      this.note('malformed', `malformed packet from broker (type 0x${raw[0]!.toString(16)}, ${raw.length} B, starts ${hex}): ${error ? (error as Error).message : 'incomplete'}`);
      this._state = MQTT_DISCONNECTED;
      this.client.stop();
      return null;
    }
    return packet;
  }

  /** readPacket() with the C++'s reaction to a bad remaining length: kill the connection. */
  private async readPacket(): Promise<ReadResult> {
    const r = await readPacket(this.cpu, this.client, this.buffer, this.socketTimeout, this.noteRead);
    if (r.badLength) {
      this._state = MQTT_DISCONNECTED;
      this.client.stop();
    }
    return r;
  }

  private writePacket(pkt: Uint8Array): boolean {
    const rc = this.client.write(pkt);
    this.lastOutActivity = this.cpu.millis();
    return rc === pkt.length;
  }

  /** Earliest virtual time loop() has work: now if bytes wait or the link changed, else the keepalive deadline. */
  nextWakeNs(): bigint | null {
    if (this._state !== MQTT_CONNECTED) return null;
    if (!this.client.connected() || this.client.available() > 0) return this.cpu.now();
    const ka = this.keepAlive * 1000;
    const t = this.cpu.millis();
    const sinceIn = u32(t - this.lastInActivity);
    const sinceOut = u32(t - this.lastOutActivity);
    const remaining = Math.max(0, ka + 1 - Math.max(sinceIn, sinceOut));
    return this.cpu.nsAfterMillis(remaining);
  }
}
