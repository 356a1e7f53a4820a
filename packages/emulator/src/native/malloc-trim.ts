// glibc's malloc_trim(0) from JavaScript (malloc-trim.c, compiled by pnpm build
// to dist/native/malloc-trim.node). After V8 has freed a flood's Buffers, glibc
// keeps the free chunks resident: the heap's top is pinned by smaller blocks
// allocated meanwhile, and its dynamic mmap threshold has risen to the Buffers'
// size. The trim gives those pages back to the system. Where the addon was not
// built or does not load (no C compiler at build time, musl, macOS), `loadMallocTrim`
// says why and the caller goes on without it.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';

/** mallinfo2's totals over every arena, in bytes. */
export interface MallocInfo {
  /** Obtained from the system for the arenas (sbrk and mmap'd heaps). */
  arena: number;
  /** In free chunks inside the arenas (fordblks). */
  free: number;
  /** In chunks mmap'd on their own (hblkhd). */
  mmapped: number;
  /** The free top chunk, which glibc's ordinary trimming can release (keepcost). */
  topReleasable: number;
}

export interface MallocTrimAddon {
  /** malloc_trim(0): true when glibc gave memory back. */
  trim(): boolean;
  info(): MallocInfo;
}

export type MallocTrimLoad = { ok: true; addon: MallocTrimAddon } | { ok: false; reason: string };

/** The same file from the sources (src/native) and from the build (dist/native, also in the CLI bundle). */
export const MALLOC_TRIM_ADDON = join(import.meta.dirname, '..', '..', 'dist', 'native', 'malloc-trim.node');

let loaded: MallocTrimLoad | undefined;

/** Loads the addon once; later calls answer the same. */
export function loadMallocTrim(): MallocTrimLoad {
  if (loaded) return loaded;
  const where = relative(process.cwd(), MALLOC_TRIM_ADDON) || MALLOC_TRIM_ADDON;
  if (!existsSync(MALLOC_TRIM_ADDON)) {
    loaded = { ok: false, reason: `${where} was not built (pnpm build compiles it where a C compiler, glibc and Node's headers are present)` };
    return loaded;
  }
  try {
    const module = { exports: {} as MallocTrimAddon };
    process.dlopen(module, MALLOC_TRIM_ADDON);
    loaded = { ok: true, addon: module.exports };
  } catch (e) {
    loaded = { ok: false, reason: `${where} does not load: ${(e as Error).message}` };
  }
  return loaded;
}

/** Resident set size now, in bytes. */
const rss = (): number => process.memoryUsage.rss();

/** Trims glibc's heap; the bytes the process's RSS fell by. */
export function trimMalloc(addon: MallocTrimAddon): number {
  const before = rss();
  addon.trim();
  return Math.max(0, before - rss());
}
