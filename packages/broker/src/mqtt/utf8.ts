// MQTT's UTF-8 rule for topic names and filters (3.1.1 §1.5.3) as mosquitto 2.0
// applies it (lib/utf8_mosq.c mosquitto_validate_utf8): well-formed UTF-8, no
// U+0000, no surrogates, no non-characters, no C0/C1 control characters.
// mosquitto closes the connection of a client that breaks it.

const fatal = new TextDecoder('utf-8', { fatal: true });

/** What is wrong with `bytes` as an MQTT UTF-8 string, or null. */
export function mqttUtf8Problem(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = fatal.decode(bytes); // refuses overlong forms, surrogates and code points above U+10FFFF
  } catch {
    return 'is not valid UTF-8';
  }
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0) return 'contains U+0000';
    if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f)) return `contains the control character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe) return `contains the non-character U+${cp.toString(16).toUpperCase()}`;
  }
  return null;
}

/** The topic strings of a PUBLISH, SUBSCRIBE or UNSUBSCRIBE exactly as sent (raw is one whole packet). */
export function rawTopicStrings(raw: Buffer): Buffer[] {
  const type = raw[0]! >> 4;
  let i = 1;
  while (raw[i]! & 0x80) i++; // Remaining Length, 1-4 bytes
  i++;
  const str = (): Buffer => {
    const len = raw.readUInt16BE(i);
    const s = raw.subarray(i + 2, i + 2 + len);
    i += 2 + len;
    return s;
  };
  if (type === 3) return [str()]; // PUBLISH: the topic name comes first
  if (type !== 8 && type !== 10) return [];
  i += 2; // packet identifier
  const out: Buffer[] = [];
  while (i + 2 <= raw.length) {
    out.push(str());
    if (type === 8) i++; // SUBSCRIBE: requested QoS after each filter
  }
  return out;
}
