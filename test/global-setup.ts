// Tests run the TypeScript sources. A few run what users run, the built CLI
// (bin/esphil.js, `pnpm esphil`, the packed package): before any test starts,
// dist/ is rebuilt if a source changed since it was built, so no test runs
// stale JavaScript.
import { build, upToDate } from '../scripts/build.mjs';

export default async function setup(): Promise<void> {
  if (upToDate()) return;
  console.log('global setup: sources changed since the last build; pnpm build');
  await build();
}
