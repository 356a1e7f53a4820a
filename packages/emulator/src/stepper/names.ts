// Names a reader can hold next to the datasheet and the library source.
import {
  WL_CONNECTED,
  WL_CONNECTION_LOST,
  WL_CONNECT_FAILED,
  WL_DISCONNECTED,
  WL_IDLE_STATUS,
  WL_NO_SSID_AVAIL,
  WL_SCAN_COMPLETED,
  WL_WRONG_PASSWORD,
} from '@esphil/esp-model';

const WL_NAMES: Record<number, string> = {
  [WL_IDLE_STATUS]: 'WL_IDLE_STATUS',
  [WL_NO_SSID_AVAIL]: 'WL_NO_SSID_AVAIL',
  [WL_SCAN_COMPLETED]: 'WL_SCAN_COMPLETED',
  [WL_CONNECTED]: 'WL_CONNECTED',
  [WL_CONNECT_FAILED]: 'WL_CONNECT_FAILED',
  [WL_CONNECTION_LOST]: 'WL_CONNECTION_LOST',
  [WL_WRONG_PASSWORD]: 'WL_WRONG_PASSWORD',
  [WL_DISCONNECTED]: 'WL_DISCONNECTED',
};

/** wl_status_t name of a WiFi.status() value. */
export const wifiStatusName = (status: number): string => WL_NAMES[status] ?? `wl_status_t ${status}`;

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
