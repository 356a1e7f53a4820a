// Errors the library raises for input a user gave it (a file, a flag, a
// configuration value). The CLI prints them as one line and exits 2; a program
// using the library catches them as it would any other error.

/** Input that cannot be used: the message says what and where; no stack is shown to users. */
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

/**
 * `text` safe to print on a terminal: control characters (other than newline
 * and tab), lone surrogates and the replacement character that stands for
 * undecodable bytes are written as escapes, so a binary file named in an
 * error cannot garble or drive the terminal.
 */
export function escapeControl(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
