import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests run the packages' TypeScript sources, never their built JavaScript
// (dist/ may be stale): the same mapping as tsconfig.json's "paths", which tsx
// also follows for the CLI processes the tests start.
const source = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@esphil/avr-slave': source('avr-slave'),
      '@esphil/esp-model': source('esp-model'),
      '@esphil/broker': source('broker'),
      '@esphil/emulator': source('emulator'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.spec.ts', 'packages/*/test/**/*.spec.ts', 'scripts/**/*.spec.ts', 'test/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
  },
});
