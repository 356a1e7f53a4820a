// Bundles the page's TypeScript (web/) into assets/app.js with esbuild.
// `pnpm --filter @esphil/emulator build:view` rewrites the committed bundle;
// a test checks that the committed file is what the sources build to.
import { writeFileSync } from 'node:fs';
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

if (process.argv[1]?.endsWith('build-assets.ts')) {
  writeFileSync(BUNDLE_PATH, await buildViewBundle());
  console.log(`wrote ${BUNDLE_PATH}`);
}
