// The signed AVR update over MQTT (docs/ota.md): topics, the manifest layout and the status
// texts. Shared by the node model and the operator tool so the two cannot drift apart.
import { MQTT_MAX_PACKET_SIZE } from '../../pubsub/constants.ts';

/** Operator -> node. The node's ACL already lets it read irrigation/#. */
export const TOPIC_OTA_BEGIN = 'irrigation/ota/avr/begin';
export const TOPIC_OTA_CHUNK = 'irrigation/ota/avr/chunk';
export const TOPIC_OTA_END = 'irrigation/ota/avr/end';
export const TOPIC_OTA_ABORT = 'irrigation/ota/avr/abort';
export const TOPIC_OTA_FILTER = 'irrigation/ota/avr/#';
/** Node -> operator, inside the node's own status subtree (ACL: irrigation/status/<client id>/#). */
export const otaStatusTopic = (clientId: string): string => `irrigation/status/${clientId}/ota`;

export const OTA_FORMAT_VERSION = 1;
/** version (1) + device signature (3) + image length (4, big-endian) + SHA-256 (32). */
export const MANIFEST_BYTES = 40;
/** A DER ECDSA P-256 signature is at most 72 bytes. */
export const MAX_SIGNATURE_BYTES = 72;
/** Offset (4, big-endian) then data: one AVR flash page per chunk. */
export const CHUNK_HEADER_BYTES = 4;
export const OTA_CHUNK_BYTES = 128;

// Both publishes must fit PubSubClient's buffer with their topic (2-byte length) and fixed header (up to 5 bytes).
const fits = (topic: string, payload: number) => 5 + 2 + topic.length + payload <= MQTT_MAX_PACKET_SIZE;
if (!fits(TOPIC_OTA_CHUNK, CHUNK_HEADER_BYTES + OTA_CHUNK_BYTES) || !fits(TOPIC_OTA_BEGIN, MANIFEST_BYTES + MAX_SIGNATURE_BYTES)) {
  throw new Error('OTA messages do not fit MQTT_MAX_PACKET_SIZE');
}

export interface OtaManifest {
  version: number;
  device: [number, number, number];
  length: number;
  sha256: Uint8Array;
}

export function encodeManifest(m: OtaManifest): Uint8Array {
  const b = new Uint8Array(MANIFEST_BYTES);
  b[0] = m.version;
  b.set(m.device, 1);
  new DataView(b.buffer).setUint32(4, m.length);
  b.set(m.sha256, 8);
  return b;
}

export function decodeManifest(b: Uint8Array): OtaManifest {
  return {
    version: b[0]!,
    device: [b[1]!, b[2]!, b[3]!],
    length: new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(4),
    sha256: b.slice(8, 40),
  };
}

/** Error codes the node reports as `error <code>` on its status topic. */
export type OtaErrorCode =
  | 'bad-manifest'
  | 'bad-signature'
  | 'wrong-device'
  | 'too-large'
  | 'no-update'
  | 'bad-chunk'
  | 'incomplete'
  | 'bad-hash'
  | 'isp-no-response'
  | 'verify-failed'
  | 'avr-flash-mismatch';
