// `serve --view` and `run --view`: the running world streamed to the view page.
import type { World } from '../world/world.ts';
import { liveFeed } from './feed.ts';
import { openInBrowser } from './open-browser.ts';
import { startViewServer, type ViewServer } from './server.ts';
import { DEFAULT_VIEW_PORT } from './port.ts';

export interface ViewOptions {
  port?: number;
  host?: string;
  open?: boolean;
}

export async function startLiveView(world: World, label: string, opts: ViewOptions): Promise<ViewServer> {
  const server = await startViewServer(liveFeed(label, world), { port: opts.port ?? DEFAULT_VIEW_PORT, host: opts.host });
  if (opts.open) openInBrowser(server.url);
  return server;
}

/** Resolves on Ctrl-C or SIGTERM: a finished run's page stays up until the user is done with it. */
export function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
