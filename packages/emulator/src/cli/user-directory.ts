// Relative paths on the command line are the user's: `pnpm esphil run x.yaml`
// runs the package script from the workspace root, but pnpm (like npm) says
// where the user typed the command in INIT_CWD. Only the `esphil` script
// itself moves there: other scripts (a test run, `pnpm start`) that start
// esphil choose its directory on purpose.
import { chdir, env } from 'node:process';

export const ESPHIL_SCRIPT = 'esphil';

export function enterUserDirectory(): void {
  if (env.npm_lifecycle_event === ESPHIL_SCRIPT && env.INIT_CWD) chdir(env.INIT_CWD);
}
