/** JavaScript defining `functionName(key)` over `name`'s files as their own text; `main` is its main's key. */
export function verbatimPackage(name: string, fromFile: string, bundleDir: string, functionName: string): { code: string; main: string };
