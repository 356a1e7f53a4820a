// What reporters write to: process.stdout or anything with write() (tests collect strings).
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function wantsColor(out: Output, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return out.isTTY === true;
}

export type Paint = (code: number, text: string) => string;
export const paint = (color: boolean): Paint => (color ? (code, text) => `\x1b[${code}m${text}\x1b[0m` : (_code, text) => text);
export const GREEN = 32;
export const RED = 31;
export const DIM = 2;
export const BOLD = 1;
