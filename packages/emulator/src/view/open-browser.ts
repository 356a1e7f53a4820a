// --open: hands the page's URL to the desktop's browser ($BROWSER, else
// xdg-open / open / start), detached, so esphil keeps serving on its own.
import { spawn } from 'node:child_process';

function opener(): { cmd: string; args: string[] } {
  if (process.env.BROWSER) return { cmd: process.env.BROWSER, args: [] };
  if (process.platform === 'darwin') return { cmd: 'open', args: [] };
  if (process.platform === 'win32') return { cmd: 'cmd', args: ['/c', 'start', '""'] };
  return { cmd: 'xdg-open', args: [] };
}

/** What bin/esphil.js's launcher line sets so that Node parses no root certificates. */
const LAUNCHER_CERT_FILE = '/dev/null';

/** The browser gets the desktop's certificate store back: the launcher's empty one is esphil's own. */
function browserEnv(): NodeJS.ProcessEnv {
  const { SSL_CERT_FILE, ...rest } = process.env;
  return SSL_CERT_FILE === LAUNCHER_CERT_FILE ? rest : process.env;
}

/** Opens `url`; a missing opener is reported on stderr, the server keeps running. */
export function openInBrowser(url: string): void {
  const { cmd, args } = opener();
  const child = spawn(cmd, [...args, url], { detached: true, stdio: 'ignore', env: browserEnv() });
  child.on('error', (e) => console.error(`esphil: cannot open a browser with ${cmd} (${(e as NodeJS.ErrnoException).code ?? e.message}); open ${url} yourself`));
  child.unref();
}
