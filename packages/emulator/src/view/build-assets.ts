// Bundles the page's TypeScript (web/) into assets/app.js with esbuild: at
// install time (the emulator package's postinstall), by
// `pnpm --filter @esphil/emulator build:view` after changing web/, and by the
// view tests and benchmark so they always drive the current sources.
import { renameSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { BUNDLE_PATH, WEB_ENTRY } from './assets.ts';

export async function buildViewBundle(): Promise<string> {
  const result = await build({
    entryPoints: [WEB_ENTRY],
    bundle: true,
    format: 'iife',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    write: false,
  });
  return result.outputFiles[0]!.text;
}

/** Builds and replaces assets/app.js in one rename, so a server reading it meanwhile sees the old or the new file, never half. */
export async function writeViewBundle(): Promise<void> {
  const tmp = `${BUNDLE_PATH}.${process.pid}.tmp`;
  writeFileSync(tmp, await buildViewBundle());
  renameSync(tmp, BUNDLE_PATH);
}

if (process.argv[1]?.endsWith('build-assets.ts')) {
  await writeViewBundle();
  console.log(`wrote ${BUNDLE_PATH}`);
}
