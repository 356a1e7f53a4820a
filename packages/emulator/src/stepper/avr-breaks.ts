// `break avr <symbol|0xaddr>` in a scenario: the AVR's run loop stops at the
// address (avr-slave's debug hook), the stop becomes an `avr-break` node event
// in the trace (where, in which function and source line when the firmware
// came as an ELF), and the AVR runs on: the stepper's continue stops at that
// event like at any other.
import { DataWatch, FLASH_BYTES, functionAt, lineAt, symbolAddress, type AvrDebugHook, type AvrElf } from '@esphil/avr-slave';
import type { World } from '../world/world.ts';

export const AVR_BREAK = 'avr-break';

const hex4 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;

/** Where a flash byte address lies: `__vector_17+0x2 relay-slave.c:35`, or the bare address without an ELF. */
export function describeAvrAddress(elf: AvrElf | undefined, address: number): string {
  const fn = elf ? functionAt(elf, address) : undefined;
  const line = elf ? lineAt(elf, address) : undefined;
  return [fn ? `${fn.name}${fn.offset ? `+0x${fn.offset.toString(16)}` : ''}` : hex4(address), ...(line ? [`${line.file}:${line.line}`] : [])].join(' ');
}

export class AvrBreaks implements AvrDebugHook {
  readonly breakpoints = new Set<number>();
  readonly stepping = false;
  /** Stepper breakpoints per word address: two may name the same instruction. */
  private readonly users = new Map<number, number>();
  readonly watches: DataWatch;

  constructor(
    private readonly world: World,
    private readonly elf: AvrElf | undefined,
  ) {
    if (world.avr.debugHook) throw new Error('break avr: the AVR is already under a debugger (--gdb); set breakpoints in gdb');
    this.watches = new DataWatch(world.avr.cpu);
    world.avr.debugHook = this;
  }

  /** Adds a breakpoint; returns its flash byte address. Throws with what is wrong with `spec`. */
  add(spec: string): number {
    let address: number;
    if (/^0x[0-9a-f]+$/i.test(spec)) {
      address = parseInt(spec, 16);
      if (address % 2 !== 0 || address >= FLASH_BYTES) throw new Error(`break avr ${spec}: instructions are at even flash addresses below ${hex4(FLASH_BYTES)}`);
    } else {
      if (!this.elf) throw new Error(`break avr ${spec}: symbols need the firmware's ELF (--avr-elf, or avr-elf: in the scenario's node section); an address like 0x80 works without`);
      const found = symbolAddress(this.elf, spec);
      if (found === undefined) {
        const names = this.elf.symbols.filter((s) => s.kind === 'function').map((s) => s.name);
        throw new Error(`break avr: no function ${JSON.stringify(spec)} in the ELF (it has ${names.join(', ')})`);
      }
      address = found;
    }
    const word = address / 2;
    this.users.set(word, (this.users.get(word) ?? 0) + 1);
    this.breakpoints.add(word);
    return address;
  }

  remove(address: number): void {
    const word = address / 2;
    const left = (this.users.get(word) ?? 1) - 1;
    if (left > 0) this.users.set(word, left);
    else {
      this.users.delete(word);
      this.breakpoints.delete(word);
    }
  }

  describe(address: number): string {
    return describeAvrAddress(this.elf, address);
  }

  stopped(): void {
    const { avr } = this.world;
    const pc = avr.cpu.pc * 2;
    this.world.note(AVR_BREAK, { pc: hex4(pc), at: this.describe(pc), cycle: avr.cycles }, this.world.wires.ns(avr.cycles));
  }
}
