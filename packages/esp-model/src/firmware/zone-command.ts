// Payload of irrigation/zone/on: "<zone> <seconds>", read with Arduino String semantics.
import { ArduinoString } from './arduino-string.ts';
import { ZONE_COUNT } from './zones.ts';

export type ZoneCommand =
  | { action: 'on'; zone: number; seconds: number; durationMs: number }
  | { action: 'off'; zone: number }
  | { action: 'ignore'; why: string };

/** seconds * 1000UL: unsigned long arithmetic, wraps modulo 2^32 like the C++. */
function secondsToMs(seconds: number): number {
  return Number((BigInt(seconds) * 1000n) & 0xffff_ffffn);
}

export function parseZoneCommand(payload: Uint8Array, length = payload.length): ZoneCommand {
  const msg = ArduinoString.fromBytes(payload, length).trim();
  const space = msg.indexOf(' ');
  if (space < 0) return { action: 'ignore', why: `no space in "${msg}"` };
  const zone = msg.substring(0, space).toInt();
  const seconds = msg.substring(space + 1).toInt();
  // The C++ indexes zones[zone] only for 0 <= zone < 8; a negative zone is refused too.
  if (zone < 0 || zone >= ZONE_COUNT) return { action: 'ignore', why: `zone ${zone} out of range 0..${ZONE_COUNT - 1}` };
  if (seconds > 0) return { action: 'on', zone, seconds, durationMs: secondsToMs(seconds) };
  return { action: 'off', zone };
}
