// How the irrigation sketch reads an `irrigation/zone/on` payload, used to
// know how long zone timers can run after the last replayed command.
// Arduino String semantics: trim(), indexOf(' '), substring(), toInt() (= atol).

export const ZONE_COUNT = 8;

/** atol(): leading whitespace, optional sign, decimal digits; 0 when none. */
export function arduinoToInt(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m ? Number.parseInt(m[1]!, 10) : 0;
}

export interface ZoneOn {
  zone: number;
  seconds: number;
}

/** null when the sketch ignores the payload (no space, zone outside 0..7). */
export function parseZoneOn(payload: string): ZoneOn | null {
  const text = payload.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, ''); // isspace(), as String::trim
  const space = text.indexOf(' ');
  if (space < 0) return null;
  const zone = arduinoToInt(text.slice(0, space));
  const seconds = arduinoToInt(text.slice(space + 1));
  if (zone < 0 || zone >= ZONE_COUNT) return null;
  return { zone, seconds };
}
