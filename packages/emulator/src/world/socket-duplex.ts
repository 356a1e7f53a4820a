// A TCP socket behind a plain Duplex whose every byte in and out is counted:
// how the world knows real I/O is still moving (TCP transport, outside broker).
// It also keeps the order a real stack keeps at the end of a connection: bytes
// received before a reset or close reach the reader before the error does.
import type net from 'node:net';
import { Duplex } from 'node:stream';

export interface SocketCounters {
  sent(bytes: number): void;
  received(bytes: number): void;
  closed(): void;
}

export function countedSocket(sock: net.Socket, count: SocketCounters): Duplex {
  sock.setNoDelay(true);
  let ending = false;
  const proxy = new Duplex({
    write: (chunk: Buffer, _enc, cb) => {
      count.sent(chunk.length);
      sock.write(chunk, cb);
    },
    // What the TLS layer hands over at once (a whole handshake flight) leaves in one write, as
    // BearSSL's engine loop in WiFiClientSecure::_run_until() sends every pending record before it
    // reads: split across event-loop turns, a broker that refuses the first part would reset the
    // connection before the rest is out, and the failed write would hide its alert.
    writev: (chunks, cb) => {
      const data = Buffer.concat(chunks.map((c) => c.chunk as Buffer));
      count.sent(data.length);
      sock.write(data, cb);
    },
    final: (cb) => sock.end(cb),
    read: () => sock.resume(),
    destroy: (err, cb) => {
      sock.destroy();
      cb(err);
    },
  });
  /**
   * The connection is over. lwIP keeps the pbufs it received before an RST and the core's
   * WiFiClient::available() still counts them (ClientContext drops only the pcb), so whatever the
   * reader has not taken yet — a TLS alert sent just before the reset — is delivered first, then
   * end of stream, then the error.
   */
  const finish = (err?: Error) => {
    if (proxy.destroyed || ending) return;
    if (proxy.readableLength === 0) {
      proxy.destroy(err);
      return;
    }
    ending = true;
    proxy.once('end', () => proxy.destroy(err));
    proxy.push(null); // a no-op when the socket's own end already pushed it
  };
  sock.on('data', (d: Buffer) => {
    count.received(d.length);
    if (!proxy.push(d)) sock.pause();
  });
  sock.once('end', () => proxy.push(null));
  sock.once('error', (e) => finish(e));
  sock.once('close', () => {
    count.closed();
    finish();
  });
  return proxy;
}
