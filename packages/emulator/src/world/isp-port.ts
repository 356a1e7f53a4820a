// The ESP8266AVRISP port on a real TCP socket: each connection is handed to the emulated
// ESP, whose sketch answers STK500 v1 in virtual time (the world must keep running).
import { createServer, type Socket } from 'node:net';
import type { World } from './world.ts';

export async function listenIsp(world: World, host: string, port: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    world.esp.acceptIspClient(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
