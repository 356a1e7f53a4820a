// --view, --view-port and --open, shared by `serve` and `run`: the running
// world streamed to the browser view (docs/view.md). The view's server is loaded
// only when --view asks for it: a plain run does not pay for an HTTP server.
import type { World } from '../world/world.ts';
import { DEFAULT_VIEW_PORT } from '../view/port.ts';
import type { ViewServer } from '../view/server.ts';
import { UsageError } from './errors.ts';

export const PORT_CHECK = { ok: (n: number) => Number.isInteger(n) && n >= 0 && n < 65536, want: 'a TCP port (0-65535)' };

export const VIEW_FLAGS = {
  view: { kind: 'boolean', meaning: 'stream the running node to the browser view on 127.0.0.1 (docs/view.md); its URL is printed' },
  'view-port': { kind: 'number', arg: 'PORT', default: DEFAULT_VIEW_PORT, meaning: 'port of the view page with --view; 0 lets the system choose', check: PORT_CHECK },
  open: { kind: 'boolean', meaning: "with --view, open the page in the desktop's browser" },
} as const;

export async function viewFromFlags(command: string, world: World, label: string, values: { view: boolean; 'view-port': number; open: boolean }): Promise<ViewServer | null> {
  if (!values.view) return null;
  const port = values['view-port'];
  try {
    const { startLiveView } = await import('../view/live.ts');
    return await startLiveView(world, label, { port, open: values.open });
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`esphil ${command}: cannot serve the view on 127.0.0.1:${port}: ${(e as Error).message}`);
  }
}
