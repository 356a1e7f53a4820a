// The SCK edges of one byte of an SPI window, and when MOSI/MISO change.
// ATmega168 datasheet "SPI - Serial Peripheral Interface", Figures 18-3/18-4
// and Table 18-2: CPOL sets the idle level of SCK; with CPHA = 0 data is
// sampled on the leading edge and set up on the trailing one (the first bit
// is on the line before the first edge), with CPHA = 1 it is set up on the
// leading edge and sampled on the trailing one.
import type { SpiEvent } from './events.ts';

export interface SpiEdge {
  t: bigint;
  /** 0..15 within the byte; even = leading edge (away from idle), odd = trailing. */
  index: number;
  /** SCK level after the edge. */
  sck: 0 | 1;
  rising: boolean;
  /** Data is sampled on this edge (otherwise it is the shift edge). */
  sample: boolean;
  /** Bit in transmission order (0 = first on the wire) that this edge samples or sets up. */
  bit: number;
  /** Significance of that bit in the byte (7 = MSB). */
  weight: number;
  mosi: 0 | 1;
  miso: 0 | 1;
}

export interface SpiDataChange {
  t: bigint;
  bit: number;
  mosi: 0 | 1;
  miso: 0 | 1;
}

export const cpol = (mode: 0 | 1 | 2 | 3): 0 | 1 => (mode >> 1) as 0 | 1;
export const cpha = (mode: 0 | 1 | 2 | 3): 0 | 1 => (mode & 1) as 0 | 1;

/** Time of edge k after the first edge, rounded to the ns (2 MHz: 250 ns apart). */
export function edgeOffsetNs(k: number, sckHz: number): bigint {
  const a = BigInt(k) * 1_000_000_000n;
  const b = 2n * BigInt(Math.round(sckHz));
  return (2n * a + b) / (2n * b);
}

/** Significance of the i-th transmitted bit (DORD / SPI_LSBFIRST). */
export const bitWeight = (i: number, lsbFirst: boolean): number => (lsbFirst ? i : 7 - i);

const bitOf = (value: number, weight: number): 0 | 1 => ((value >> weight) & 1) as 0 | 1;

/** The 16 SCK edges of byte `byteIndex`. */
export function spiByteEdges(ev: SpiEvent, byteIndex: number): SpiEdge[] {
  const b = ev.bytes[byteIndex];
  if (!b) throw new RangeError(`SPI window at t=${ev.t} has no byte ${byteIndex} (it has ${ev.bytes.length})`);
  const idle = cpol(ev.mode);
  const samplesOnLeading = cpha(ev.mode) === 0;
  const edges: SpiEdge[] = [];
  for (let k = 0; k < 16; k++) {
    const leading = k % 2 === 0;
    const sck = (leading ? 1 - idle : idle) as 0 | 1;
    const sample = leading === samplesOnLeading;
    // A shift edge sets up the next bit, except CPHA=0's trailing edges which set up bit k/2+1.
    const bit = samplesOnLeading ? (leading ? k / 2 : (k + 1) / 2) : Math.floor(k / 2);
    const weight = bitWeight(Math.min(bit, 7), ev.lsbFirst);
    edges.push({
      t: b.t + edgeOffsetNs(k, ev.sckHz),
      index: k,
      sck,
      rising: sck === 1,
      sample,
      bit,
      weight,
      mosi: bitOf(b.mosi, weight),
      miso: bitOf(b.miso, weight),
    });
  }
  return edges;
}

/**
 * When each bit of byte `byteIndex` is put on MOSI and MISO: on every shift
 * edge, and for CPHA = 0 the first bit half a period before the first edge
 * (not before SS falls, nor before the previous byte's last edge).
 */
export function spiDataChanges(ev: SpiEvent, byteIndex: number, edges = spiByteEdges(ev, byteIndex)): SpiDataChange[] {
  const b = ev.bytes[byteIndex]!;
  const at = (bit: number, t: bigint): SpiDataChange => {
    const w = bitWeight(bit, ev.lsbFirst);
    return { t, bit, mosi: bitOf(b.mosi, w), miso: bitOf(b.miso, w) };
  };
  if (cpha(ev.mode) === 1) return edges.filter((e) => !e.sample).map((e) => at(e.bit, e.t));
  let first = b.t - edgeOffsetNs(1, ev.sckHz);
  const prev = ev.bytes[byteIndex - 1];
  const floor = prev ? prev.t + edgeOffsetNs(15, ev.sckHz) : ev.t;
  if (first < floor) first = floor;
  return [at(0, first), ...edges.filter((e) => !e.sample && e.bit < 8).map((e) => at(e.bit, e.t))];
}
