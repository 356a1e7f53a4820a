// The emulator's one native addon: packages/emulator/src/native/malloc-trim.c
// compiled to dist/native/malloc-trim.node with the system C compiler against
// the running Node's own headers (<prefix>/include/node, shipped with Node).
// Plain `cc -shared`, no node-gyp: node-gyp fetches headers over the network.
// Where it cannot be built (no compiler, not glibc, another OS) the build says
// why and goes on: serve then keeps freed memory as it did without it
// (src/native/malloc-trim.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const ADDON_SOURCE = join('src', 'native', 'malloc-trim.c');
export const ADDON = join('dist', 'native', 'malloc-trim.node');

/** Compiles the addon of package folder `pkg`; `{ ok: false, reason }` when this system cannot. */
export function buildNativeAddon(pkg) {
  if (process.platform !== 'linux') return { ok: false, reason: `malloc_trim is glibc's, not ${process.platform}'s` };
  const headers = join(dirname(process.execPath), '..', 'include', 'node');
  if (!existsSync(join(headers, 'node_api.h'))) return { ok: false, reason: `no Node-API headers in ${headers} (they come with Node)` };
  const cc = process.env.CC || 'cc';
  const out = join(pkg, ADDON);
  mkdirSync(dirname(out), { recursive: true });
  const r = spawnSync(cc, ['-O2', '-shared', '-fPIC', '-Wall', `-I${headers}`, '-o', out, join(pkg, ADDON_SOURCE)], { encoding: 'utf8' });
  if (r.error) return { ok: false, reason: `no C compiler (${cc}: ${r.error.code}); install gcc and libc6-dev` };
  if (r.status !== 0) return { ok: false, reason: `${cc} failed: ${r.stderr.trim().split('\n').slice(-3).join(' / ')}` };
  return { ok: true, path: out };
}
