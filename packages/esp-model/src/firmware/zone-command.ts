// Payload of irrigation/zone/on: "<zone> <seconds>", read as callbackZoneOn() reads it,
// with the ESP8266 core's String semantics (arduino-string.ts).
import { ArduinoString } from './arduino-string.ts';
import { ZONE_COUNT, secondsToMs } from './zones.ts';

export interface ZonePayload {
  zoneIndexStr: ArduinoString;
  durationStr: ArduinoString;
}

export type ZoneCommand =
  | { action: 'on'; zone: number; seconds: number; durationMs: number }
  | { action: 'off'; zone: number }
  | { action: 'ignore'; why: string };

/** trim(), then split at indexOf(' '); no delimiter leaves durationStr empty. */
export function splitZonePayload(payloadStr: ArduinoString): ZonePayload {
  const buffer = payloadStr.trim();
  const delimIndex = buffer.indexOf(' ');
  if (delimIndex < 0) return { zoneIndexStr: buffer, durationStr: new ArduinoString('') };
  return { zoneIndexStr: buffer.substring(0, delimIndex), durationStr: buffer.substring(delimIndex + 1) };
}

/** `(unsigned)zoneIndexStr.toInt()`: a negative zone wraps to a huge, invalid index. */
export function zoneIndexOf(p: ZonePayload): number {
  return p.zoneIndexStr.toInt() >>> 0;
}

/** `int duration = durationStr.toInt(); if (duration < 0) duration = 0;` */
export function durationOf(p: ZonePayload): number {
  return Math.max(0, p.durationStr.toInt());
}

/** What a payload does to the relays (for replay planning); the sketch itself logs as it goes. */
export function parseZoneCommand(payload: Uint8Array, length = payload.length): ZoneCommand {
  const p = splitZonePayload(ArduinoString.fromBytes(payload, length));
  if (p.zoneIndexStr.length() <= 0 || p.durationStr.length() <= 0) {
    return { action: 'ignore', why: `Invalid Payload! zoneIndexStr=${p.zoneIndexStr}, durationStr=${p.durationStr}` };
  }
  const zone = zoneIndexOf(p);
  const seconds = durationOf(p);
  if (zone >= ZONE_COUNT) return { action: 'ignore', why: `zone ${zone} out of range 0..${ZONE_COUNT - 1}` };
  if (seconds > 0) return { action: 'on', zone, seconds, durationMs: secondsToMs(seconds) };
  return { action: 'off', zone };
}
