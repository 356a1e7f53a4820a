// Loads the CLI bundle (dist/cli/esphil.cjs, scripts/bundle-cli.mjs) the way
// Node loads a CommonJS module, but compiled through vm.Script so V8 can take
// the code cache pnpm build made for it (scripts/cli-code-cache.mjs): the
// functions a run needs arrive compiled, not parsed and compiled on first call.
// V8 checks the cache against its own version, flags and the source, and
// compiles from source when it rejects it; the cache changes no behaviour.
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

export const BUNDLE = join(import.meta.dirname, '..', 'dist', 'cli', 'esphil.cjs');
/** The bundle's first line names it by a hash of its text (scripts/bundle-cli.mjs). */
const BUNDLE_ID = /^\/\/ esphil CLI bundle ([0-9a-f]+)\n/;

/**
 * The code cache made for this very bundle text: V8 checks a cache against the source's
 * length only, so a cache is named by the hash of the text it was made from.
 */
export function codeCachePath(source) {
  const id = BUNDLE_ID.exec(source)?.[1];
  return id === undefined ? undefined : `${BUNDLE}.${id}.v8-cache`;
}

/** The bundle's exports (cli, main...), its compiled script and its cache's path; `cache: false` compiles from source. */
export function loadBundle({ cache = true } = {}) {
  // ASCII only (scripts/bundle-cli.mjs): as Latin-1 the text is copied, not decoded, into a one-byte string.
  const source = readFileSync(BUNDLE, 'latin1');
  const cachePath = codeCachePath(source);
  let cachedData;
  if (cache && cachePath !== undefined) {
    try {
      cachedData = readFileSync(cachePath);
    } catch {
      // No cache (a build that could not make one): compiled from source.
    }
  }
  const script = new Script(Module.wrap(source), { filename: BUNDLE, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));
  return { exports: module.exports, script, cachePath };
}
