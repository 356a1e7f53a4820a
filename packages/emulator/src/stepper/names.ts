// Names a reader can hold next to the datasheet and the library source.

/** PubSubClient.h state() codes. */
export const MQTT_STATE_NAMES: Record<number, string> = {
  [-4]: 'MQTT_CONNECTION_TIMEOUT',
  [-3]: 'MQTT_CONNECTION_LOST',
  [-2]: 'MQTT_CONNECT_FAILED',
  [-1]: 'MQTT_DISCONNECTED',
  0: 'MQTT_CONNECTED',
  1: 'MQTT_CONNECT_BAD_PROTOCOL',
  2: 'MQTT_CONNECT_BAD_CLIENT_ID',
  3: 'MQTT_CONNECT_UNAVAILABLE',
  4: 'MQTT_CONNECT_BAD_CREDENTIALS',
  5: 'MQTT_CONNECT_UNAUTHORIZED',
};

// ATmega168 datasheet register descriptions, bit 7 first ('' = reserved).
export const SREG_BITS = ['I', 'T', 'H', 'S', 'V', 'N', 'Z', 'C'];
export const SPCR_BITS = ['SPIE', 'SPE', 'DORD', 'MSTR', 'CPOL', 'CPHA', 'SPR1', 'SPR0'];
export const SPSR_BITS = ['SPIF', 'WCOL', '', '', '', '', '', 'SPI2X'];

/** The names of the set bits of `value`, e.g. "SPE|MSTR", or "-" when none. */
export function bitNames(value: number, names: readonly string[]): string {
  const set = names.filter((n, i) => n && value & (0x80 >> i));
  return set.length ? set.join('|') : '-';
}

export const hex2 = (b: number): string => b.toString(16).padStart(2, '0');
export const bin8 = (b: number): string => b.toString(2).padStart(8, '0');
