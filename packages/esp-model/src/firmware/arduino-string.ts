// The few Arduino `String` operations the sketch uses (WString.cpp), byte for byte:
// characters are the payload's bytes (latin1), trim() uses isspace(), toInt() is atol().

const LONG_MAX = 2147483647;
const LONG_MIN = -2147483648;

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d); // C isspace(): ' ', \t \n \v \f \r
}

export class ArduinoString {
  constructor(readonly buffer: string = '') {}

  /** String built by appending each payload byte as a char. */
  static fromBytes(payload: Uint8Array, length = payload.length): ArduinoString {
    return new ArduinoString(Buffer.from(payload.subarray(0, length)).toString('latin1'));
  }

  length(): number {
    return this.buffer.length;
  }

  trim(): ArduinoString {
    let begin = 0;
    let end = this.buffer.length;
    while (begin < end && isSpace(this.buffer.charCodeAt(begin))) begin++;
    while (end > begin && isSpace(this.buffer.charCodeAt(end - 1))) end--;
    return new ArduinoString(this.buffer.slice(begin, end));
  }

  indexOf(ch: string, fromIndex = 0): number {
    if (fromIndex >= this.buffer.length) return -1;
    return this.buffer.indexOf(ch, fromIndex);
  }

  /** substring(left, right): arguments swapped if reversed, clamped to the length. */
  substring(left: number, right: number = this.buffer.length): ArduinoString {
    if (left > right) [left, right] = [right, left];
    if (left >= this.buffer.length) return new ArduinoString('');
    if (right > this.buffer.length) right = this.buffer.length;
    return new ArduinoString(this.buffer.slice(left, right));
  }

  /** toInt(): atol() of the buffer (stops at the first non-digit or NUL). */
  toInt(): number {
    return atol(this.buffer);
  }

  equals(s: string): boolean {
    return this.buffer === s;
  }

  toString(): string {
    return this.buffer;
  }
}

/** C atol() as newlib's strtol(s, NULL, 10) on a 32-bit long: leading space, sign, digits, saturation. */
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
