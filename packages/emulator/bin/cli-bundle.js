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
export const CODE_CACHE = `${BUNDLE}.v8-cache`;

/** The bundle's exports (cli, main...) and its compiled script; `cache: false` compiles from source. */
export function loadBundle({ cache = true } = {}) {
  const source = readFileSync(BUNDLE, 'utf8');
  let cachedData;
  if (cache) {
    try {
      cachedData = readFileSync(CODE_CACHE);
    } catch {
      // No cache (a build that could not make one): compiled from source.
    }
  }
  const script = new Script(Module.wrap(source), { filename: BUNDLE, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));
  return { exports: module.exports, script };
}
