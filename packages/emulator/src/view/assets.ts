// Where the page's files are. The front-end source lives in web/; its bundle
// assets/app.js is built by build-assets.ts when the workspace is installed,
// so esphil serves the page offline, with no build step at run time.
import { fileURLToPath } from 'node:url';

const here = (rel: string): string => fileURLToPath(new URL(rel, import.meta.url));

export const WEB_DIR = here('./web/');
export const WEB_ENTRY = here('./web/main.ts');
export const BUNDLE_PATH = here('./assets/app.js');

/** URL path -> file and content type; nothing else is served from disk. */
export const STATIC_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: here('./web/index.html'), type: 'text/html; charset=utf-8' },
  '/style.css': { file: here('./web/style.css'), type: 'text/css; charset=utf-8' },
  '/app.js': { file: BUNDLE_PATH, type: 'text/javascript; charset=utf-8' },
};
