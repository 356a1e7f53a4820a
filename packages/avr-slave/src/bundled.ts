// The bundled firmware images, built from ../firmware by its Makefile.
import { fileURLToPath } from 'node:url';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../fixtures/avr/${name}`, import.meta.url));

/** Absolute paths of the bundled relay-slave builds (sleeping, polling SPIF, and release 2 answering its version). */
export const BUNDLED_HEX: { readonly sleep: string; readonly poll: string; readonly v2: string } = {
  sleep: fixture('relay-slave.hex'),
  poll: fixture('relay-slave-poll.hex'),
  v2: fixture('relay-slave-v2.hex'),
};

/** The sleeping relay-slave build as an ELF with DWARF debug info (same flash as BUNDLED_HEX.sleep). */
export const BUNDLED_ELF = fixture('relay-slave.elf');

/** CPU-bound firmware for the instruction-rate benchmarks. */
export const BENCH_BUSY_HEX = fixture('bench-busy.hex');
