// The stub's protocol, byte by byte, from a raw TCP client (another process's
// view, as a debugger has it): replies, errors for malformed packets, NAK for a
// bad checksum, Ctrl-C while the world runs, and the world running on after
// the client goes.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RspReader, encodePacket, toHex } from '../../src/gdb/rsp.ts';
import { debuggedRun, type EsphilExit } from './harness.ts';
import { formatVirtual } from '../../src/scenario/duration.ts';

class RawClient {
  private readonly reader = new RspReader();
  private readonly seen: { kind: string; payload?: string }[] = [];
  private waiting: (() => void) | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d) => {
      this.seen.push(...this.reader.feed(new Uint8Array(d)));
      this.waiting?.();
    });
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  write(text: string): void {
    this.socket.write(Buffer.from(text, 'latin1'));
  }

  /** The next input from the stub: an ack, a nak or a packet. */
  async next(): Promise<{ kind: string; payload?: string }> {
    const deadline = Date.now() + 30_000;
    while (this.seen.length === 0) {
      if (Date.now() > deadline) throw new Error('no answer from the stub within 30 s');
      await new Promise<void>((r) => {
        this.waiting = r;
        setTimeout(r, 100);
      });
    }
    return this.seen.shift()!;
  }

  /** Sends a packet; returns the stub's reply after its `+`. */
  async ask(payload: string): Promise<string> {
    this.socket.write(encodePacket(payload));
    expect(await this.next()).toEqual({ kind: 'ack' });
    const reply = await this.next();
    expect(reply.kind).toBe('packet');
    this.write('+');
    return reply.payload!;
  }

  /** qRcmd: the console text it printed (O packets), after which the stub says OK. */
  async monitor(command: string): Promise<string> {
    this.socket.write(encodePacket(`qRcmd,${toHex(Buffer.from(command))}`));
    expect(await this.next()).toEqual({ kind: 'ack' });
    let text = '';
    for (;;) {
      const p = await this.next();
      this.write('+');
      if (p.payload === 'OK') return text;
      expect(p.payload?.[0]).toBe('O');
      text += Buffer.from(p.payload!.slice(1), 'hex').toString();
    }
  }

  close(): void {
    this.socket.end();
  }
}

let exit: Promise<EsphilExit> | null = null;
afterEach(async () => {
  await exit;
  exit = null;
});

describe('GDB stub protocol', () => {
  it('answers avr-gdb packets, rejects malformed ones, stops on Ctrl-C and lets the world run on when the client leaves', async () => {
    const started = await debuggedRun('fixtures/scenarios/zone-on-off.yaml');
    exit = started.exit;
    const gdb = await RawClient.open(started.port);
    expect(await gdb.ask('qSupported:multiprocess+;swbreak+;hwbreak+')).toMatch(/^PacketSize=[0-9a-f]+/);
    expect(await gdb.ask('?')).toBe('T05');
    // r0..r31, SREG, SP (2 bytes), PC (4 bytes): at reset SP = RAMEND 0x4ff, PC 0.
    const regs = await gdb.ask('g');
    expect(regs).toHaveLength(2 * (32 + 1 + 2 + 4));
    expect(regs.slice(66)).toBe('ff0400000000');
    expect(await gdb.ask('p22')).toBe('00000000');
    expect(await gdb.ask('p21')).toBe('ff04');
    // Data space at 0x800000: DDRD and PORTD read 0 before the firmware runs; EEPROM erased.
    expect(await gdb.ask('m80002a,2')).toBe('0000');
    expect(await gdb.ask('m810000,2')).toBe('ffff');
    expect(await gdb.ask('m0,4')).toBe('0c943400'); // jmp at the reset vector
    expect(await gdb.ask('P10=5a')).toBe('OK');
    expect(await gdb.ask('p10')).toBe('5a');
    // G writes all registers in the same layout g reads them.
    const changed = `${regs.slice(0, 2)}a5${regs.slice(4)}`; // r1 = 0xa5
    expect(await gdb.ask(`G${changed}`)).toBe('OK');
    expect(await gdb.ask('p1')).toBe('a5');
    expect(await gdb.ask(`G${regs}`)).toBe('OK');
    expect(await gdb.ask('g')).toBe(regs);
    // SRAM write and read back; hardware breakpoints set and cleared like software ones.
    expect(await gdb.ask('M800100,2:abcd')).toBe('OK');
    expect(await gdb.ask('m800100,2')).toBe('abcd');
    expect(await gdb.ask('Z1,80,2')).toBe('OK');
    expect(await gdb.ask('z1,80,2')).toBe('OK');

    // Malformed and out-of-range requests.
    expect(await gdb.ask('mzz,2')).toBe('E01');
    expect(await gdb.ask('m800500,4')).toBe('E02'); // past the 1 KB SRAM
    expect(await gdb.ask('M0,2:0000')).toBe('E02'); // flash is not writable
    expect(await gdb.ask('Z2,2b,1')).toBe('E02'); // a watchpoint must be in the data space
    expect(await gdb.ask('Z0,81,2')).toBe('E02'); // instructions are at even addresses
    expect(await gdb.ask('P99=00')).toBe('E01');
    expect(await gdb.ask('G0011')).toBe('E01'); // too short for 39 bytes of registers
    expect(await gdb.ask('M800100,2:ab')).toBe('E01'); // length and data disagree
    expect(await gdb.ask('vUnknownThing')).toBe('');
    // A bad checksum is answered with `-`, and the stub waits for the packet again.
    gdb.write('$g#00');
    expect(await gdb.next()).toEqual({ kind: 'nak' });

    expect(await gdb.monitor('time')).toBe(`virtual time ${formatVirtual(0n)} (0 ns); AVR at 0 ns, cycle 0 (8 MHz)\n`);
    expect(await gdb.monitor('reset')).toBe('AVR reset (RESET pin); PC 0x0, cycle 0\n');
    expect(await gdb.monitor('nonsense')).toMatch(/^unknown monitor command "nonsense"\nmonitor commands:\n {2}reset/);

    // A read watchpoint on SPDR (data 0x4e): the SPI handler's `in r24, SPDR` when "2 120" arrives.
    expect(await gdb.ask('Z3,80004e,1')).toBe('OK');
    expect(await gdb.ask('c')).toBe('T05rwatch:80004e;');
    const pc = parseInt(await gdb.ask('p22'), 16); // little-endian bytes, small value: the low byte leads
    expect(await gdb.ask('m80004e,1')).toBe('fb'); // the byte the ESP sent; reading it here changes nothing
    expect(await gdb.ask('z3,80004e,1')).toBe('OK');
    // One step: the next instruction (2 bytes further).
    expect(await gdb.ask('s')).toBe('T05');
    expect(parseInt(await gdb.ask('p22'), 16)).toBe(pc + 0x02000000);

    // continue, then Ctrl-C: the world stops wherever it is with SIGINT (zone 2 is on by now or soon).
    gdb.write(encodePacket('vCont;c').toString('latin1'));
    expect(await gdb.next()).toEqual({ kind: 'ack' });
    gdb.write('\x03');
    expect(await gdb.next()).toEqual({ kind: 'packet', payload: 'T02' });
    gdb.write('+');
    expect(await gdb.ask('qAttached')).toBe('1');
    // The client goes without detaching: the world runs the scenario to its end.
    gdb.close();
    const done = await exit;
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(done.stdout).toMatch(/1 scenario: 1 passed, 0 failed/);
    expect(done.stderr).toMatch(/gdb: debugger left; the world runs on/);
  }, 120_000);

  it('takes k as the debugger leaving: the node cannot be killed from gdb, the world runs on', async () => {
    const started = await debuggedRun('fixtures/scenarios/zone-on-off.yaml');
    exit = started.exit;
    const gdb = await RawClient.open(started.port);
    expect(await gdb.ask('Z0,80,2')).toBe('OK');
    gdb.write(encodePacket('k').toString('latin1'));
    expect(await gdb.next()).toEqual({ kind: 'ack' });
    const done = await exit;
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(done.stderr).toMatch(/gdb: debugger sent kill; the world runs on/);
    gdb.close();
  }, 120_000);
});
