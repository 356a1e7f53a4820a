// What a byte on the SPI bus means to the relay board: the sketch sends the
// zone bitmap inverted (`bitmap ^ 0xFF`) and the AVR copies it to PORTD, where
// a low output energises that relay.

export interface RelayMeaning {
  bitmap: number; // bit n = zone n energised
  on: number[]; // energised zones, ascending
}

export function relayMeaning(relayByte: number | undefined): RelayMeaning {
  const bitmap = relayByte === undefined ? 0 : ~relayByte & 0xff;
  return { bitmap, on: [0, 1, 2, 3, 4, 5, 6, 7].filter((z) => bitmap & (1 << z)) };
}
