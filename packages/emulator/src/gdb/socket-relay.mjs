// The GDB stub's socket, on a thread of its own: it moves bytes between one
// debugger's TCP connection and the world's thread. The world's thread blocks
// (Atomics.wait) while the AVR is stopped, so the whole world stops with it;
// this thread keeps the connection served meanwhile. Plain JavaScript: a
// worker thread loads it without the TypeScript loader.
import { createServer } from 'node:net';
import { workerData } from 'node:worker_threads';

const { host, port, signal, channel } = workerData;
const counter = new Int32Array(signal);
let client = null;

/** Every message to the world's thread bumps the counter it waits on. */
function tell(message) {
  channel.postMessage(message);
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
}

const server = createServer((socket) => {
  if (client) {
    // One debugger at a time, as gdbserver: a second one is turned away.
    socket.end();
    return;
  }
  client = socket;
  socket.setNoDelay(true);
  tell({ type: 'connect', peer: `${socket.remoteAddress}:${socket.remotePort}` });
  socket.on('data', (bytes) => tell({ type: 'data', bytes: new Uint8Array(bytes) }));
  socket.on('error', () => undefined); // a reset shows as close below
  socket.on('close', () => {
    if (client === socket) client = null;
    tell({ type: 'close' });
  });
});
server.on('error', (e) => tell({ type: 'error', message: e.message }));
server.listen(port, host, () => tell({ type: 'listening', port: server.address().port }));

channel.on('message', (message) => {
  if (message.type === 'send') client?.write(message.bytes);
  else if (message.type === 'drop') client?.end();
  else if (message.type === 'stop') {
    client?.destroy();
    // The port is free once this says so: the next world may listen on it at once.
    server.close(() => {
      tell({ type: 'closed' });
      channel.close();
    });
  }
});
