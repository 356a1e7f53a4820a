// The names the server sends with /api/info (see ../names.ts), and formatting of bytes.
export type { ViewNames as Names } from '../names.ts';

export const hex = (b: number): string => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;
export const bin = (b: number): string => `0b${b.toString(2).padStart(8, '0')}`;

/** Names of the set bits, bit 7 first ('' in `bits` = reserved): "SPIE|SPE", or "-". */
export function flags(value: number, bits: readonly string[]): string {
  const set = bits.filter((n, i) => n && value & (0x80 >> i));
  return set.length ? set.join('|') : '-';
}
