// The TCP transport: the node's connection to the broker crosses the kernel's
// loopback, both ends in this process. Each socket sits behind a JS duplex that
// counts every byte it hands to the kernel and every byte it gets back, so the
// world knows exactly when nothing is in flight: virtual time never runs ahead
// of bytes still on the wire, however loaded the machine is.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { countedSocket } from './socket-duplex.ts';

interface End {
  sent: number;
  received: number;
  closed: boolean;
}

export class TcpLink {
  private server: net.Server | null = null;
  private port = 0;
  /** Connection pairs by the client's local port; an end is missing until its socket is up. */
  private readonly pairs = new Map<number, { client?: End; server?: End }>();
  private connecting = 0;

  constructor(
    private readonly onActivity: () => void,
    private readonly accept: (stream: Duplex, info: { remoteAddress: string; remotePort: number }) => void,
  ) {}

  async start(): Promise<void> {
    const server = net.createServer((sock) => {
      const pair = this.pairOf(sock.remotePort!);
      pair.server = { sent: 0, received: 0, closed: false };
      this.accept(this.wrap(sock, pair.server), { remoteAddress: sock.remoteAddress ?? '127.0.0.1', remotePort: sock.remotePort ?? 0 });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
  }

  /** A new connection from the node; usable at once (writes wait for the socket). */
  connect(): Duplex {
    if (!this.server) throw new Error('TCP transport used before start()');
    const sock = net.connect({ host: '127.0.0.1', port: this.port });
    const end: End = { sent: 0, received: 0, closed: false };
    let connected = false;
    this.connecting++;
    sock.once('connect', () => {
      connected = true;
      this.connecting--;
      this.pairOf(sock.localPort!).client = end;
    });
    sock.once('close', () => {
      if (!connected) this.connecting--;
    });
    return this.wrap(sock, end);
  }

  /** True while a connection is being set up or a byte sent on one end has not arrived at the other. */
  busy(): boolean {
    if (this.connecting > 0) return true;
    for (const [port, { client, server }] of this.pairs) {
      if (client?.closed || server?.closed) {
        if (client?.closed && server?.closed) this.pairs.delete(port);
        continue; // a closed socket drops what it had not delivered
      }
      if (!client || !server) return true;
      if (client.sent !== server.received || server.sent !== client.received) return true;
    }
    return false;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private pairOf(port: number): { client?: End; server?: End } {
    let pair = this.pairs.get(port);
    if (!pair) this.pairs.set(port, (pair = {}));
    return pair;
  }

  private wrap(sock: net.Socket, end: End): Duplex {
    return countedSocket(sock, {
      sent: (n) => {
        end.sent += n;
        this.onActivity();
      },
      received: (n) => {
        end.received += n;
        this.onActivity();
      },
      closed: () => {
        end.closed = true;
        this.onActivity();
      },
    });
  }
}
