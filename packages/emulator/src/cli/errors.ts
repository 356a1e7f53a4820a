// Exit codes of every esphil command (DESIGN.md "Contracts").
export const EXIT_OK = 0;
export const EXIT_FAILED = 1; // a scenario failed, a replay differed
export const EXIT_UNUSABLE = 2; // bad flags, unreadable or invalid input files

/** Input the command cannot use: printed without a stack, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
