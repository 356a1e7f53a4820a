// The committed page bundle is what the front-end sources build to: esphil
// serves assets/app.js as it is, so a source change without a rebuild would
// ship a stale page.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUNDLE_PATH } from './assets.ts';
import { buildViewBundle } from './build-assets.ts';

describe('view bundle', () => {
  it('assets/app.js is up to date with web/ (pnpm --filter @esphil/emulator build:view)', async () => {
    expect(readFileSync(BUNDLE_PATH, 'utf8') === (await buildViewBundle())).toBe(true);
  });
});
