// The tests StrykerJS runs against each mutant (pnpm mutate): the unit and
// package tests of the mutated files, without the slow whole-node, CLI,
// Debian-tool and fuzzing suites (which pnpm test still runs).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/esp-model/test/{esp8266,zones,zone-command}.spec.ts',
      'packages/avr-slave/src/{spi-slave,atmega168,relay-board}.spec.ts',
      'packages/broker/test/{acl,refusal,pki}.spec.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
