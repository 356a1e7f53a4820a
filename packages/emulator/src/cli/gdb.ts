// The debugging flags that run, serve and step share, and starting the stub
// they ask for. The stub's port goes to stderr, so stdout stays the command's own.
// The stub (and the worker thread it talks through) is loaded only when asked for.
import { GDB_DEFAULT_PORT } from '../scenario/node-config.ts';
import type { GdbStub } from '../gdb/stub.ts';
import type { World } from '../world/world.ts';
import { UsageError } from '../errors.ts';

const isPort = (n: number) => Number.isInteger(n) && n >= 0 && n < 65536;

export const FIRMWARE_FLAGS = {
  'avr-elf': { kind: 'string', arg: 'F.elf', meaning: 'load the ATmega168 flash from this AVR ELF (its symbols and lines serve avr-gdb and the stepper)' },
} as const;

export const GDB_FLAGS = {
  gdb: {
    kind: 'number',
    arg: 'PORT',
    bare: String(GDB_DEFAULT_PORT),
    meaning: `serve avr-gdb on 127.0.0.1:PORT (alone: ${GDB_DEFAULT_PORT}; 0: a free port); the whole world stops while the AVR does`,
    check: { ok: isPort, want: 'a TCP port (0-65535)' },
  },
  'gdb-wait': { kind: 'boolean', meaning: 'with --gdb: start the world only once a debugger has attached and said continue' },
} as const;

/** --avr-hex and --avr-elf name the firmware twice. */
export function checkFirmwareFlags(command: string, flags: { 'avr-hex'?: string | undefined; 'avr-elf'?: string | undefined }): void {
  if (flags['avr-hex'] && flags['avr-elf']) throw new UsageError(`esphil ${command}: give the firmware once: --avr-hex or --avr-elf, not both`);
}

/** Starts the stub when --gdb (or the scenario's `gdb:`) asks for one; with --gdb-wait blocks until a debugger says continue. */
export async function startGdb(world: World, command: string, flags: { gdb?: number | undefined; 'gdb-wait': boolean }, scenarioPort?: number): Promise<GdbStub | null> {
  const port = flags.gdb ?? scenarioPort;
  if (port === undefined) {
    if (flags['gdb-wait']) throw new UsageError(`esphil ${command}: --gdb-wait needs --gdb (or gdb: in the scenario's node section)`);
    return null;
  }
  const { attachGdb } = await import('../gdb/attach.ts');
  let stub: GdbStub;
  try {
    stub = attachGdb(world, { port, log: (line) => console.error(line) });
  } catch (e) {
    throw new UsageError(`esphil ${command}: ${(e as Error).message}`);
  }
  console.error(`gdb: listening on 127.0.0.1:${stub.port} (avr-gdb -ex 'target remote 127.0.0.1:${stub.port}')`);
  if (flags['gdb-wait']) {
    console.error('gdb: waiting for a debugger to attach and continue');
    stub.waitForDebugger();
  }
  return stub;
}
