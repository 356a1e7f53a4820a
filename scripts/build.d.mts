/** Builds the packages' dist/ (all, or the named ones), in dependency order. */
export function build(only?: string[]): Promise<void>;
/** True when every package's dist/ was built from its current sources. */
export function upToDate(): boolean;
