// The view's HTTP server on the loopback interface: the page, the run's events
// as trace JSON lines (docs/trace.md), and for a live run a server-sent event
// stream that replays what happened so far and then follows the world.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { ViewFeed } from './feed.ts';
import { existsSync } from 'node:fs';
import { UsageError } from '../errors.ts';
import { BUNDLE_PATH, STATIC_FILES } from './assets.ts';
import { viewNames } from './names.ts';
import { realSetTimeout } from '../world/clock.ts';

export interface ViewServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** How often a live page learns the world's virtual time, so the axis moves while nothing happens. */
const NOW_INTERVAL_MS = 250;
const INFO_PLACEHOLDER = '<!-- run info -->';
const BUNDLE_MISSING = '; the page script is built by pnpm install (or pnpm --filter @esphil/emulator build:view)';

function sendLive(feed: ViewFeed, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
  const send = (line: string) => res.write(`data: ${line}\n\n`);
  for (const line of feed.lines) send(line);
  const unsubscribe = feed.subscribe(send);
  // Real timers: the world fakes the global ones for the libraries it runs.
  let open = true;
  const sayNow = () => {
    if (!open) return;
    res.write(`event: now\ndata: ${feed.now()}\n\n`);
    realSetTimeout(sayNow, NOW_INTERVAL_MS);
  };
  sayNow();
  req.on('close', () => {
    open = false;
    unsubscribe();
  });
}

export async function startViewServer(feed: ViewFeed, opts: { port?: number; host?: string } = {}): Promise<ViewServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!existsSync(BUNDLE_PATH)) throw new UsageError(`esphil view: ${BUNDLE_PATH} is missing${BUNDLE_MISSING}`);
  const info = JSON.stringify({ label: feed.label, live: feed.live, names: viewNames() });
  // The page carries its run's description, saving a round trip before the trace is fetched.
  const page = (await readFile(STATIC_FILES['/']!.file, 'utf8')).replace(INFO_PLACEHOLDER, `<script id="info" type="application/json">${info.replace(/</g, '\\u003c')}</script>`);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://view').pathname;
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    if (path === '/api/info') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(info);
      return;
    }
    if (path === '/api/trace') {
      res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
      res.end(feed.lines.length ? `${feed.lines.join('\n')}\n` : '');
      return;
    }
    if (path === '/api/live') {
      sendLive(feed, req, res);
      return;
    }
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (path === '/') {
      res.writeHead(200, { 'content-type': STATIC_FILES['/']!.type, 'cache-control': 'no-cache' }).end(page);
      return;
    }
    const file = STATIC_FILES[path];
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`esphil view: no such page ${path}\n`);
      return;
    }
    readFile(file.file).then(
      (body) => res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-cache' }).end(body),
      (e: NodeJS.ErrnoException) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`esphil view: cannot read ${file.file}: ${e.code ?? e.message}${path === '/app.js' ? BUNDLE_MISSING : ''}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
