// Exit codes of every esphil command (docs/architecture.md "Contracts"). The
// error type itself lives below the CLI (../errors.ts): the library raises it too.
export { UsageError, unusable } from '../errors.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1; // a scenario failed, a replay differed
export const EXIT_UNUSABLE = 2; // bad flags, unreadable or invalid input files
