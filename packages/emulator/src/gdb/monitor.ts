// gdb's `monitor` commands (qRcmd): what a firmware engineer asks of the bench
// around the chip while it is stopped. Each answers with text for gdb's console.
import { PORTD, DDRD, type ATmega168 } from '@esphil/avr-slave';
import { formatVirtual } from '../scenario/duration.ts';
import type { DebuggedNode } from './node.ts';

const hex2 = (b: number): string => `0x${b.toString(16).padStart(2, '0')}`;

const COMMANDS: Record<string, { help: string; run(node: DebuggedNode): string }> = {
  reset: {
    help: 'reset the AVR as a pulse on its RESET line does (PC 0, I/O registers to their reset values)',
    run: ({ avr }) => {
      pulseReset(avr);
      return `AVR reset (RESET pin); PC 0x0, cycle ${avr.cycles}`;
    },
  },
  time: {
    help: 'virtual time of the world and of the AVR, and the AVR cycle count',
    run: (node) =>
      `virtual time ${formatVirtual(node.nowNs())} (${node.nowNs()} ns); AVR at ${node.avrNs(node.avr.cycles)} ns, cycle ${node.avr.cycles} (${node.avr.frequency / 1e6} MHz)`,
  },
  spi: {
    help: 'the last SPI transaction on the bus: MOSI and MISO bytes and when',
    run: (node) => {
      const last = node.lastSpi();
      if (!last) return 'no SPI transaction yet';
      return `last SPI transaction at ${formatVirtual(last.tNs)}: MOSI ${last.mosi.map(hex2).join(' ')}, MISO ${last.miso.map(hex2).join(' ')}`;
    },
  },
  relays: {
    help: 'PORTD, DDRD and the relays they energise (active low)',
    run: ({ avr }) => {
      const on = avr.relays.energised();
      return `PORTD ${hex2(avr.cpu.data[PORTD]!)} DDRD ${hex2(avr.cpu.data[DDRD]!)}: relays ${on.length ? `on: ${on.join(', ')}` : 'all off'}`;
    },
  },
};

function pulseReset(avr: ATmega168): void {
  if (avr.inReset) return avr.reset('external'); // the ESP holds RESET low: it stays held
  avr.setResetPin(false);
  avr.setResetPin(true);
}

function help(): string {
  return ['monitor commands:', ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(7)} ${c.help}`), '  help    this list'].join('\n');
}

/** Runs one monitor command line; unknown ones answer with the list. */
export function monitorCommand(node: DebuggedNode, line: string): string {
  const name = line.split(/\s+/)[0] ?? '';
  if (name === '' || name === 'help') return help();
  const command = COMMANDS[name];
  if (!command) return `unknown monitor command ${JSON.stringify(name)}\n${help()}`;
  return command.run(node);
}
