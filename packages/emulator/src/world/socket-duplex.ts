// A TCP socket behind a plain Duplex whose every byte in and out is counted:
// how the world knows real I/O is still moving (TCP transport, outside broker).
import type net from 'node:net';
import { Duplex } from 'node:stream';

export interface SocketCounters {
  sent(bytes: number): void;
  received(bytes: number): void;
  closed(): void;
}

export function countedSocket(sock: net.Socket, count: SocketCounters): Duplex {
  sock.setNoDelay(true);
  const proxy = new Duplex({
    write: (chunk: Buffer, _enc, cb) => {
      count.sent(chunk.length);
      sock.write(chunk, cb);
    },
    final: (cb) => sock.end(cb),
    read: () => sock.resume(),
    destroy: (err, cb) => {
      sock.destroy();
      cb(err);
    },
  });
  sock.on('data', (d: Buffer) => {
    count.received(d.length);
    if (!proxy.push(d)) sock.pause();
  });
  sock.once('end', () => proxy.push(null));
  sock.once('error', (e) => proxy.destroy(e));
  sock.once('close', () => {
    count.closed();
    if (!proxy.destroyed) proxy.destroy();
  });
  return proxy;
}
