// Exit codes of every esphil command (DESIGN.md "Contracts").
export const EXIT_OK = 0;
export const EXIT_FAILED = 1; // a scenario failed, a replay differed
export const EXIT_UNUSABLE = 2; // bad flags, unreadable or invalid input files

/** Input the command cannot use: printed without a stack, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Runs `build`; whatever it throws (bad hex, config, certificate) is unusable input naming `what`. */
export async function unusable<T>(what: string, build: () => Promise<T>): Promise<T> {
  try {
    return await build();
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${what}: ${(e as Error).message}`);
  }
}
