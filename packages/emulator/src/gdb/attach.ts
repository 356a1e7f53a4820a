// Puts a GDB stub on a world's AVR: the stub looks at the debugger's socket
// at every turn of the world's event loop (attach and Ctrl-C stop the world
// there) and the AVR's run loop calls it at breakpoints, steps and watchpoints.
import type { World } from '../world/world.ts';
import { GdbStub } from './stub.ts';

export function attachGdb(world: World, opts: { port: number; host?: string; log?: (line: string) => void }): GdbStub {
  const stub = new GdbStub(
    {
      avr: world.avr,
      nowNs: () => world.nowNs(),
      avrNs: (cycle) => world.wires.ns(cycle),
      lastSpi: () => world.lastSpi(),
    },
    opts,
  );
  world.onTurn(() => stub.poll());
  return stub;
}
