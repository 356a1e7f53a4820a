// The signed AVR update over the node's MQTT session (docs/ota.md). The image is staged in the
// ESP's flash (LittleFS) chunk by chunk, each chunk acknowledged; only after `end`, with the
// SHA-256 of the whole image matching the manifest whose ECDSA signature the node checked at
// `begin`, does loop() touch the AVR: relays off, RESET low, Chip Erase, page by page, read-back
// verify, RESET released, the zones sent to the new firmware, and `done` reported.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { Cpu } from '../../core/cpu.ts';
import type { FlashFs } from '../../core/flash-fs.ts';
import type { Heap } from '../../core/heap.ts';
import { ATMEGA168_FLASH_BYTES, ATMEGA168_PAGE_BYTES, ATMEGA168_SIGNATURE, type AvrIsp } from './avr-isp.ts';
import {
  CHUNK_HEADER_BYTES,
  MANIFEST_BYTES,
  OTA_CHUNK_BYTES,
  OTA_FORMAT_VERSION,
  TOPIC_OTA_ABORT,
  TOPIC_OTA_BEGIN,
  TOPIC_OTA_CHUNK,
  TOPIC_OTA_END,
  decodeManifest,
  type OtaErrorCode,
  type OtaManifest,
} from './ota-protocol.ts';

// LittleFS files of the update:
const FILE_IMAGE = '/ota/avr.bin';
const FILE_MANIFEST = '/ota/avr.manifest';
/** Journal: "programming" from the first erase until the read-back matched, then "installed". */
const FILE_STATE = '/ota/avr.state';
/** br_sha256_context on the heap while the image is hashed. */
const SHA256_CONTEXT_BYTES = 112;

export interface MqttUpdateEnv {
  cpu: Cpu;
  heap: Heap;
  fs: FlashFs;
  isp: AvrIsp;
  /** PubSubClient.publish on the node's status topic; false when not connected. */
  status: (text: string) => boolean;
  event: (what: string, detail?: Record<string, unknown>) => void;
  /** Relay byte straight to the AVR (0xFF: all off), and the sketch's updateRelays(). */
  sendRelayByte: (value: number) => void;
  restoreRelays: () => Promise<void>;
  relayBitmap: () => number;
}

const te = new TextDecoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export class MqttAvrUpdate {
  private readonly key: KeyObject;
  private manifest: OtaManifest | null = null;
  private manifestRaw: Uint8Array | null = null;
  private staged = 0;
  private installRequested = false;
  private bootChecked = false;
  /** Status texts not yet published (the session was down), oldest first. */
  private readonly outbox: string[] = [];

  constructor(
    private readonly env: MqttUpdateEnv,
    publicKeyPem: string,
  ) {
    this.key = createPublicKey(publicKeyPem);
    const raw = env.fs.read(FILE_MANIFEST);
    if (raw && env.fs.read(FILE_STATE) && te.decode(env.fs.read(FILE_STATE)!) !== 'installed') {
      // A staged, verified image survives the restart: keep it for recovery and for resuming.
      this.manifestRaw = raw;
      this.manifest = decodeManifest(raw);
      this.staged = env.fs.read(FILE_IMAGE)?.length ?? 0;
    }
  }

  /** PubSubClient callback for irrigation/ota/avr/#: true when the topic was ours. */
  onMessage(topic: string, payload: Uint8Array): boolean {
    if (topic === TOPIC_OTA_BEGIN) this.begin(payload);
    else if (topic === TOPIC_OTA_CHUNK) this.chunk(payload);
    else if (topic === TOPIC_OTA_END) this.end();
    else if (topic === TOPIC_OTA_ABORT) this.abort();
    else return false;
    return true;
  }

  private report(text: string): void {
    this.env.event('ota-status', { status: text, freeHeap: this.env.heap.getFreeHeap() });
    if (!this.env.status(text)) this.outbox.push(text);
  }

  private fail(code: OtaErrorCode, detail = ''): void {
    this.report(`error ${code}${detail ? ' ' + detail : ''}`);
  }

  private begin(payload: Uint8Array): void {
    if (payload.length <= MANIFEST_BYTES) return this.fail('bad-manifest');
    const raw = payload.slice(0, MANIFEST_BYTES);
    const m = decodeManifest(raw);
    if (m.version !== OTA_FORMAT_VERSION) return this.fail('bad-manifest', `version ${m.version}`);
    // br_ecdsa_i15_vrfy_asn1 over SHA-256 of the manifest, with the provisioned OTA key.
    if (!verify('sha256', raw, this.key, payload.subarray(MANIFEST_BYTES))) return this.fail('bad-signature');
    if (m.device.some((b, i) => b !== ATMEGA168_SIGNATURE[i])) return this.fail('wrong-device', hex(Uint8Array.from(m.device)));
    if (m.length === 0 || m.length > ATMEGA168_FLASH_BYTES) return this.fail('too-large', String(m.length));
    const same = this.manifestRaw !== null && Buffer.from(this.manifestRaw).equals(Buffer.from(raw));
    if (!same) {
      // A new image: the old staging area goes.
      this.env.fs.remove(FILE_IMAGE);
      this.env.fs.write(FILE_MANIFEST, raw);
      this.env.fs.write(FILE_STATE, new TextEncoder().encode('staging'));
      this.manifest = m;
      this.manifestRaw = raw;
      this.staged = 0;
    }
    this.installRequested = false;
    this.report(`ready ${this.staged}`);
  }

  private chunk(payload: Uint8Array): void {
    const m = this.manifest;
    if (!m) return this.fail('no-update');
    if (payload.length <= CHUNK_HEADER_BYTES || payload.length > CHUNK_HEADER_BYTES + OTA_CHUNK_BYTES) return this.fail('bad-chunk', `length ${payload.length}`);
    const offset = new DataView(payload.buffer, payload.byteOffset).getUint32(0);
    const data = payload.subarray(CHUNK_HEADER_BYTES);
    // Out of order (a duplicate, or one lost while the session was down): say where to go on from.
    if (offset !== this.staged) return this.report(`ack ${this.staged}`);
    if (offset + data.length > m.length) return this.fail('bad-chunk', `past the image end at ${offset + data.length}`);
    this.env.fs.writeAt(FILE_IMAGE, offset, data);
    this.staged += data.length;
    this.report(`ack ${this.staged}`);
  }

  private end(): void {
    const m = this.manifest;
    if (!m) return this.fail('no-update');
    if (this.staged !== m.length) return this.fail('incomplete', String(this.staged));
    this.installRequested = true; // programming runs in loop(), not inside the MQTT callback:
    this.env.cpu.signal(); // the next pass comes at once
  }

  private abort(): void {
    this.discard();
    this.report('aborted');
  }

  private discard(): void {
    this.env.fs.remove(FILE_IMAGE);
    this.env.fs.remove(FILE_MANIFEST);
    this.env.fs.remove(FILE_STATE);
    this.manifest = null;
    this.manifestRaw = null;
    this.staged = 0;
    this.installRequested = false;
  }

  /** Called from loop() with MQTT connected: delivers held statuses, recovers after a reset, installs. */
  async loop(): Promise<void> {
    while (this.outbox.length && this.env.status(this.outbox[0]!)) this.outbox.shift();
    if (!this.bootChecked) {
      this.bootChecked = true;
      await this.checkAfterBoot();
    }
    if (this.installRequested) {
      this.installRequested = false;
      await this.install('update');
    }
  }

  /** SHA-256 of the staged image, with the hash context on the heap as on the chip. */
  private stagedHashMatches(): boolean {
    const m = this.manifest!;
    const ctx = this.env.heap.malloc(SHA256_CONTEXT_BYTES, 'br_sha256_context');
    if (!ctx) return false;
    const image = this.env.fs.read(FILE_IMAGE) ?? new Uint8Array(0);
    const ok = image.length === m.length && createHash('sha256').update(image).digest().equals(Buffer.from(m.sha256));
    ctx.free();
    return ok;
  }

  /**
   * A journal left at "programming" means the ESP lost power or restarted while writing the AVR:
   * compare the AVR's flash with the staged image; program it again when they differ.
   */
  private async checkAfterBoot(): Promise<void> {
    const state = this.env.fs.read(FILE_STATE);
    if (!state || te.decode(state) !== 'programming' || !this.manifest) return;
    this.env.event('ota-boot-check', { journal: 'programming' });
    if (!this.stagedHashMatches()) {
      this.discard();
      return this.fail('avr-flash-mismatch', 'staged image lost');
    }
    const { isp } = this.env;
    let intact = false;
    if (await isp.begin()) {
      const flash = isp.readFlash(0, this.manifest.length);
      intact = Buffer.from(flash).equals(Buffer.from(this.env.fs.read(FILE_IMAGE)!));
    }
    isp.end();
    if (intact) {
      this.env.fs.write(FILE_STATE, new TextEncoder().encode('installed'));
      this.report('boot ok');
      return;
    }
    this.report('boot avr-flash-mismatch');
    await this.install('recovery');
  }

  private async install(why: 'update' | 'recovery'): Promise<void> {
    const m = this.manifest!;
    const { isp, heap, event } = this.env;
    if (!this.stagedHashMatches()) {
      this.discard();
      return this.fail('bad-hash');
    }
    this.report('verified');
    const page = heap.malloc(ATMEGA168_PAGE_BYTES, 'AVR page buffer');
    if (!page) return this.fail('isp-no-response', 'out of heap');
    event('ota-programming', { why, bytes: m.length, freeHeap: heap.getFreeHeap(), relays: this.env.relayBitmap() });
    // Safe state first: every relay off through the running firmware, then RESET tri-states PORTD.
    this.env.sendRelayByte(0xff);
    let failure: string | null;
    try {
      failure = await this.program();
    } finally {
      page.free();
      if (isp.active) isp.end();
    }
    // Whatever happened, the AVR runs again: give it the zones the sketch holds.
    await this.env.restoreRelays();
    if (failure) this.report(`error ${failure}`);
    else this.report(`done relays ${this.env.relayBitmap().toString(16).padStart(2, '0')}`);
  }

  /** Erase, write page by page, read back. Returns an `error` text, or null when the AVR holds the image. */
  private async program(): Promise<string | null> {
    const { isp, fs } = this.env;
    fs.write(FILE_STATE, new TextEncoder().encode('programming'));
    this.report('programming');
    if (!(await isp.begin())) return 'isp-no-response';
    const sig = isp.signature();
    if (sig.some((b, i) => b !== ATMEGA168_SIGNATURE[i])) return `wrong-device ${hex(Uint8Array.from(sig))}`;
    const image = fs.read(FILE_IMAGE)!;
    if (!(await isp.chipErase())) return 'isp-no-response chip erase';
    for (let a = 0; a < image.length; a += ATMEGA168_PAGE_BYTES) {
      if (!(await isp.writeFlashPage(a, image.subarray(a, a + ATMEGA168_PAGE_BYTES)))) return `isp-no-response page at ${a}`;
    }
    const bad = isp.readFlash(0, image.length).findIndex((b, i) => b !== image[i]);
    if (bad >= 0) return `verify-failed byte ${bad}`;
    fs.write(FILE_STATE, new TextEncoder().encode('installed'));
    return null;
  }
}
