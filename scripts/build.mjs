#!/usr/bin/env node
// pnpm build: each package's TypeScript to JavaScript with type declarations
// in packages/<name>/dist, in dependency order (a package's declarations are
// read by the packages that import it). Files that are not TypeScript (the
// view's page and bundle, the gdb worker) are copied beside the JavaScript, and
// the emulator gets the firmware and PKI its default node needs, so the packed
// package runs outside this repository. Plain Node on purpose: it runs on
// `pnpm install` (the root "prepare" script), before anything else is built.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADDON, buildNativeAddon } from './native-addon.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ORDER = ['avr-slave', 'esp-model', 'broker', 'emulator'];
const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const tsx = require.resolve('tsx/cli');
const emulator = join(root, 'packages', 'emulator');

function run(args, what) {
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`build: ${what} failed`);
}
// The emulator's default node (world/defaults.ts): bundled firmware and the fixture PKI.
const SHIPPED_FIXTURES = ['avr', 'pki'];

/** Copies every non-TypeScript file under src/ to the same place under dist/. */
function copyAssets(src, dist) {
  for (const entry of readdirSync(src, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.name.endsWith('.ts') || entry.name.endsWith('.c')) continue;
    const rel = join(entry.parentPath, entry.name).slice(src.length + 1);
    cpSync(join(src, rel), join(dist, rel));
  }
}

/** Hash of everything a package's dist is made from; dist/.source-hash keeps the one it was built from. */
function sourceHash(name) {
  const pkg = join(root, 'packages', name);
  const h = createHash('sha256');
  const files = [join(root, 'tsconfig.json'), join(pkg, 'package.json'), join(pkg, 'tsconfig.build.json')];
  // The view's bundle is made from src/view/web/ during the build: hashed through its sources.
  for (const e of readdirSync(join(pkg, 'src'), { withFileTypes: true, recursive: true })) if (e.isFile() && !e.parentPath.endsWith(join('view', 'assets'))) files.push(join(e.parentPath, e.name));
  // The CLI bundle and its code cache (made after all four packages, see build()).
  if (name === 'emulator') files.push(...['bundle-cli.mjs', 'verbatim-cjs.mjs', 'cli-code-cache.mjs', 'native-addon.mjs'].map((f) => join(root, 'scripts', f)), join(pkg, 'bin', 'cli-bundle.js'));
  if (name === 'emulator') for (const f of SHIPPED_FIXTURES) for (const e of readdirSync(join(root, 'fixtures', f), { withFileTypes: true, recursive: true })) if (e.isFile()) files.push(join(e.parentPath, e.name));
  for (const f of files.sort()) h.update(f).update(readFileSync(f));
  return h.digest('hex');
}

const stampOf = (name) => join(root, 'packages', name, 'dist', '.source-hash');
/** True when every package's dist was built from its current sources. */
export function upToDate() {
  return ORDER.every((name) => existsSync(stampOf(name)) && readFileSync(stampOf(name), 'utf8') === sourceHash(name));
}

export async function build(only = []) {
  for (const name of ORDER) {
    if (only.length && !only.includes(name)) continue;
    const pkg = join(root, 'packages', name);
    const dist = join(pkg, 'dist');
    const hash = sourceHash(name);
    rmSync(dist, { recursive: true, force: true });
    // The view's page bundle (src/view/assets/app.js, not committed) is built first, then copied with the other assets.
    if (name === 'emulator') run([tsx, join(pkg, 'src', 'view', 'build-assets.ts')], 'the view bundle');
    run([tsc, '-p', join(pkg, 'tsconfig.build.json')], `packages/${name}`);
    copyAssets(join(pkg, 'src'), dist);
    if (name === 'emulator') {
      for (const f of SHIPPED_FIXTURES) cpSync(join(root, 'fixtures', f), join(dist, 'fixtures', f), { recursive: true });
      const addon = buildNativeAddon(pkg);
      if (addon.ok) console.log(`build: packages/emulator/${ADDON}`);
      else console.error(`build: packages/emulator/${ADDON} not built (${addon.reason}); esphil serve keeps freed memory from the system`);
    }
    writeFileSync(stampOf(name), hash);
    console.log(`build: packages/${name}/dist`);
  }
  // The esphil command's one-file CLI (bin/esphil.js) and the V8 code cache for it, made by running it once.
  // It inlines the other packages' dist, so it is remade whenever any package is.
  if (existsSync(join(emulator, 'dist', 'cli', 'main.js'))) {
    const { BUNDLE, bundleCli } = await import('./bundle-cli.mjs');
    await bundleCli(emulator);
    // Without a cache the CLI works, only starts slower: a scenario that fails (work in progress) must not stop the build.
    const cache = spawnSync(process.execPath, [join(root, 'scripts', 'cli-code-cache.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (cache.status === 0) console.log(`build: packages/emulator/${BUNDLE} and its code cache`);
    else console.error(`build: packages/emulator/${BUNDLE} without a code cache (scripts/cli-code-cache.mjs failed); esphil starts slower`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  // --if-stale: only when a source changed since the last build (vitest's global setup).
  if (!(args.includes('--if-stale') && upToDate())) await build(args.filter((a) => !a.startsWith('--')));
}
