// The Arduino `String` of the ESP8266 core (cores/esp8266/WString.cpp), byte for byte.
// A String keeps a length and may hold NUL bytes (concat(char) copies the byte and counts
// it), but most operations hand the buffer to C string functions, which stop at the first
// NUL: indexOf(char) is strchr(), substring() assigns `buffer + left` as a C string, toInt()
// is atol(). trim() and length() go by the stored length. Characters are the payload's
// bytes (latin1); `char` is unsigned on the Xtensa, so 0x80-0xFF are never isspace().

const LONG_MAX = 2147483647;
const LONG_MIN = -2147483648;

/** C isspace() in the "C" locale: ' ', \t \n \v \f \r. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** What a C string function sees of a buffer: up to the first NUL. */
export function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

export class ArduinoString {
  constructor(readonly buffer: string = '') {}

  /** `for (i < length) payloadStr += (char)payload[i];` — every byte, NULs included. */
  static fromBytes(payload: Uint8Array, length = payload.length): ArduinoString {
    return new ArduinoString(Buffer.from(payload.subarray(0, length)).toString('latin1'));
  }

  /** len(): bytes stored, NULs included. */
  length(): number {
    return this.buffer.length;
  }

  /** trim(): isspace() from both ends of the stored length; a NUL is not space. */
  trim(): ArduinoString {
    let begin = 0;
    let end = this.buffer.length;
    while (begin < end && isSpace(this.buffer.charCodeAt(begin))) begin++;
    while (end > begin && isSpace(this.buffer.charCodeAt(end - 1))) end--;
    return new ArduinoString(this.buffer.slice(begin, end));
  }

  /** indexOf(ch, from): strchr(buffer + from, ch), so nothing past the first NUL is found. */
  indexOf(ch: string, fromIndex = 0): number {
    if (fromIndex >= this.buffer.length) return -1;
    const i = cString(this.buffer.slice(fromIndex)).indexOf(ch);
    return i < 0 ? -1 : fromIndex + i;
  }

  /** substring(left, right): bounds swapped if reversed and clamped; the copy is a C string (ends at a NUL). */
  substring(left: number, right: number = this.buffer.length): ArduinoString {
    if (left > right) [left, right] = [right, left];
    if (left >= this.buffer.length) return new ArduinoString('');
    if (right > this.buffer.length) right = this.buffer.length;
    return new ArduinoString(cString(this.buffer.slice(left, right)));
  }

  /** toInt(): atol(buffer()). */
  toInt(): number {
    return atol(this.buffer);
  }

  /** operator+ / concat(const String&): copies len() bytes, NULs included. */
  concat(other: ArduinoString | string): ArduinoString {
    return new ArduinoString(this.buffer + (typeof other === 'string' ? other : other.buffer));
  }

  /** operator==(const String&): same length and strcmp() == 0 (which stops at a NUL). */
  equals(s: ArduinoString | string): boolean {
    const other = typeof s === 'string' ? s : s.buffer;
    return this.buffer.length === other.length && cString(this.buffer) === cString(other);
  }

  /** Print::print(const String&) writes len() bytes: what the serial port shows. */
  toString(): string {
    return this.buffer;
  }
}

/** C atol() as newlib's strtol(s, NULL, 10) on a 32-bit long: leading space, sign, digits, saturation; stops at a NUL. */
export function atol(s: string): number {
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-';
    i++;
  }
  let v = 0;
  let any = false;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    any = true;
    v = v * 10 + (c - 0x30);
    if (v > LONG_MAX + 1) v = LONG_MAX + 1; // saturate; keeps the number exact
  }
  if (!any) return 0;
  if (neg) return v > -LONG_MIN ? LONG_MIN : -v;
  return v > LONG_MAX ? LONG_MAX : v;
}
