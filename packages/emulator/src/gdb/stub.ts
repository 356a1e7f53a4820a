// A GDB remote stub for the node's ATmega168. One packet dispatcher, replies
// built by small helpers, `qSupported` first (the shape of QEMU's gdbstub);
// breakpoints and the watchpoint table live in the AVR's run loop hook
// (avr-slave's debug-hook.ts), which calls back here, synchronously, at the
// exact instruction where the AVR stops.
//
// Whole-world halt: while the AVR is stopped this thread blocks on the socket
// thread's messages (link.ts), so nothing else in the world (virtual clock,
// ESP model, broker, network) can run; `continue` returns from the call and
// the world goes on from the very instruction where it stopped. A debugged run
// therefore takes exactly the steps of an undebugged one.
import { DataWatch, AVR_DATA_ORIGIN, type AvrDebugHook, type StopReason, type WatchKind } from '@esphil/avr-slave';
import { AvrTarget, PC_REGNUM, REGISTER_COUNT, registerSize } from './avr-target.ts';
import { GdbLink, type LinkMessage } from './link.ts';
import { RspReader, encodePacket, fromHex, leHex, toHex, type RspInput } from './rsp.ts';
import type { DebuggedNode } from './node.ts';
import { monitorCommand } from './monitor.ts';
import { realNow } from '../world/clock.ts';

// Signal numbers gdb uses in stop replies (gdb/signals.def).
const GDB_SIGINT = 2;
const GDB_SIGTRAP = 5;
const DATA_SPACE_BYTES = 0x10000;
const WATCH_KINDS: Record<string, WatchKind> = { '2': 'write', '3': 'read', '4': 'access' };
const WATCH_REPLY: Record<WatchKind, string> = { write: 'watch', read: 'rwatch', access: 'awatch' };
/** Error replies (gdb shows the number): malformed packet, address out of range, not possible now. */
const E_MALFORMED = 'E01';
const E_RANGE = 'E02';
const E_REFUSED = 'E03';

type Halt = StopReason | { kind: 'attach' } | { kind: 'interrupt' };

export interface GdbStubOptions {
  host?: string;
  /** 0: a free port. */
  port: number;
  /** Said when a debugger attaches or leaves (the CLI prints it on stderr). */
  log?: (line: string) => void;
}

export class GdbStub implements AvrDebugHook {
  readonly breakpoints = new Set<number>();
  stepping = false;
  readonly watches: DataWatch;
  readonly port: number;
  private readonly link: GdbLink;
  private readonly target: AvrTarget;
  private readonly reader = new RspReader();
  private readonly inbox: RspInput[] = [];
  private attached = false;
  private halted = false;
  private pendingHalt: Halt | null = null;
  private lastStop = `S${leHex(GDB_SIGTRAP, 1)}`;
  private lastSent: Buffer | null = null;
  private closed = false;
  /** Wall-clock ms the world has spent stopped (serve paces virtual time by the rest). */
  haltedWallMs = 0;

  constructor(
    private readonly node: DebuggedNode,
    private readonly opts: GdbStubOptions,
  ) {
    this.watches = new DataWatch(node.avr.cpu);
    this.target = new AvrTarget(node.avr);
    this.link = new GdbLink(opts.host ?? '127.0.0.1', opts.port);
    this.port = this.link.listeningPort;
    node.avr.debugHook = this;
  }

  get debuggerAttached(): boolean {
    return this.attached;
  }

  /** Between two world events: takes what the debugger sent, and stops the world if it asked to. */
  poll(): void {
    for (let m = this.link.next(0); m; m = this.link.next(0)) this.receive(m);
    this.handleInbox();
    const halt = this.pendingHalt;
    if (halt) {
      this.pendingHalt = null;
      this.halt(halt);
    }
  }

  /** --gdb-wait: blocks until a debugger has attached and said continue. */
  waitForDebugger(): void {
    while (!this.attached && !this.closed) {
      const m = this.link.next(Infinity);
      if (m) this.receive(m);
    }
    this.pendingHalt = null;
    this.halt({ kind: 'attach' });
  }

  /** From the run loop: the AVR stopped at a breakpoint, after a step or on a watched access. */
  stopped(reason: StopReason): void {
    this.halt(reason);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.detach();
    this.node.avr.debugHook = null;
    this.link.close();
  }

  // ---- the halted world ----

  private halt(reason: Halt): void {
    if (!this.attached) return;
    this.stepping = false;
    this.halted = true;
    this.lastStop = stopReply(reason);
    // On attach gdb asks `?` itself; any other stop answers the pending c/s/vCont.
    if (reason.kind !== 'attach') this.send(this.lastStop);
    const since = realNow();
    try {
      for (;;) {
        this.handleInbox();
        if (!this.halted || !this.attached) return;
        const m = this.link.next(Infinity);
        if (m) this.receive(m);
      }
    } finally {
      this.haltedWallMs += realNow() - since;
    }
  }

  private receive(m: LinkMessage): void {
    if (m.type === 'connect') {
      this.attached = true;
      this.opts.log?.(`gdb: debugger attached from ${m.peer}; the world is stopped`);
      this.pendingHalt = { kind: 'attach' };
    } else if (m.type === 'data') {
      if (this.attached) this.inbox.push(...this.reader.feed(m.bytes));
    } else if (m.type === 'close') {
      if (this.attached) this.opts.log?.('gdb: debugger left; the world runs on');
      this.detach();
    }
  }

  private handleInbox(): void {
    while (this.inbox.length) {
      const input = this.inbox.shift()!;
      if (input.kind === 'packet') {
        this.link.send(Buffer.from('+'));
        this.dispatch(input.payload);
      } else if (input.kind === 'bad') this.link.send(Buffer.from('-'));
      else if (input.kind === 'nak' && this.lastSent) this.link.send(this.lastSent);
      else if (input.kind === 'interrupt' && !this.halted) this.pendingHalt = { kind: 'interrupt' };
    }
  }

  /** Lets the world run on with nothing of the debugger's left behind. */
  private detach(): void {
    this.attached = false;
    this.halted = false;
    this.pendingHalt = null;
    this.stepping = false;
    this.breakpoints.clear();
    this.watches.clear();
    this.inbox.length = 0;
  }

  private send(payload: string): void {
    this.lastSent = encodePacket(payload);
    this.link.send(this.lastSent);
  }

  private resume(step: boolean, address?: string): void {
    if (address) {
      const pc = parseInt(address, 16);
      if (Number.isNaN(pc)) return this.send(E_MALFORMED);
      this.target.writeRegister(PC_REGNUM, pc);
    }
    this.stepping = step;
    this.halted = false;
  }

  // ---- packets ----

  private dispatch(p: string): void {
    const reply = (r: string) => this.send(r);
    const head = p[0];
    if (p.startsWith('qSupported')) return reply('PacketSize=4000;vContSupported+');
    if (p.startsWith('qRcmd,')) return this.monitor(p.slice(6));
    if (p === 'qAttached') return reply('1'); // gdb detaches, never kills, when it quits
    if (p === 'qC') return reply('QC1');
    if (p === 'qfThreadInfo') return reply('m1');
    if (p === 'qsThreadInfo') return reply('l');
    if (p === 'vCont?') return reply('vCont;c;C;s;S');
    if (p.startsWith('vCont;')) return this.vCont(p.slice(6));
    if (p === 'vKill' || p.startsWith('vKill;')) return this.end('kill', true);
    if (head === 'H' || p.startsWith('qSymbol')) return reply('OK');
    if (!this.halted && head !== '?') return reply(E_REFUSED); // all-stop: only Ctrl-C while running
    switch (head) {
      case '?':
        return reply(this.lastStop);
      case 'g':
        return reply(Array.from({ length: REGISTER_COUNT }, (_, n) => leHex(this.target.readRegister(n), registerSize(n))).join(''));
      case 'G':
        return reply(this.writeAllRegisters(p.slice(1)));
      case 'p': {
        const n = parseInt(p.slice(1), 16);
        if (!(n >= 0 && n < REGISTER_COUNT)) return reply(E_MALFORMED);
        return reply(leHex(this.target.readRegister(n), registerSize(n)));
      }
      case 'P': {
        const m = /^P([0-9a-fA-F]+)=([0-9a-fA-F]+)$/.exec(p);
        const n = m ? parseInt(m[1]!, 16) : -1;
        const bytes = m ? fromHex(m[2]!) : undefined;
        if (!(n >= 0 && n < REGISTER_COUNT) || !bytes || bytes.length !== registerSize(n)) return reply(E_MALFORMED);
        this.target.writeRegister(n, bytes.reduceRight((v, b) => v * 256 + b, 0));
        return reply('OK');
      }
      case 'm': {
        const m = /^m([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(p);
        if (!m) return reply(E_MALFORMED);
        const bytes = this.target.read(parseInt(m[1]!, 16), parseInt(m[2]!, 16));
        return reply(typeof bytes === 'string' ? E_RANGE : toHex(bytes));
      }
      case 'M': {
        const m = /^M([0-9a-fA-F]+),([0-9a-fA-F]+):([0-9a-fA-F]*)$/.exec(p);
        const bytes = m ? fromHex(m[3]!) : undefined;
        if (!m || !bytes || bytes.length !== parseInt(m[2]!, 16)) return reply(E_MALFORMED);
        return reply(this.target.write(parseInt(m[1]!, 16), bytes) === undefined ? 'OK' : E_RANGE);
      }
      case 'c':
      case 's':
        return this.resume(head === 's', p.slice(1) || undefined);
      case 'C':
      case 'S': // the signal is meaningless to an AVR; the address, if any, follows `;`
        return this.resume(head === 'S', p.split(';')[1]);
      case 'Z':
      case 'z':
        return reply(this.point(head === 'Z', p.slice(1)));
      case 'D':
        return this.end('detach', true);
      case 'k':
        return this.end('kill', false); // k has no reply
      default:
        return reply(''); // not supported: gdb falls back (X -> M, and so on)
    }
  }

  private writeAllRegisters(hex: string): string {
    const bytes = fromHex(hex);
    const total = Array.from({ length: REGISTER_COUNT }, (_, n) => registerSize(n)).reduce((a, b) => a + b, 0);
    if (!bytes || bytes.length < total) return E_MALFORMED;
    let at = 0;
    for (let n = 0; n < REGISTER_COUNT; n++) {
      const size = registerSize(n);
      this.target.writeRegister(n, bytes.subarray(at, at + size).reduceRight((v, b) => v * 256 + b, 0));
      at += size;
    }
    return 'OK';
  }

  /** vCont;action[:thread][;action[:thread]]...: one AVR, so the first action decides. */
  private vCont(actions: string): void {
    const action = actions.split(';')[0]!.split(':')[0]!;
    if (action === 'c' || action[0] === 'C') return this.resume(false);
    if (action === 's' || action[0] === 'S') return this.resume(true);
    this.send(E_MALFORMED);
  }

  /** Z/z type,addr,kind: 0 software and 1 hardware breakpoints (both exact, in flash), 2-4 data watchpoints. */
  private point(insert: boolean, spec: string): string {
    const m = /^([0-4]),([0-9a-fA-F]+),([0-9a-fA-F]+)$/.exec(spec);
    if (!m) return E_MALFORMED;
    const type = m[1]!;
    const address = parseInt(m[2]!, 16);
    const length = parseInt(m[3]!, 16);
    if (type === '0' || type === '1') {
      if (address >= AVR_DATA_ORIGIN || address % 2 !== 0) return E_RANGE;
      if (insert) this.breakpoints.add(address / 2);
      else this.breakpoints.delete(address / 2);
      return 'OK';
    }
    const data = address - AVR_DATA_ORIGIN;
    if (data < 0 || data + length > DATA_SPACE_BYTES || length === 0) return E_RANGE;
    if (insert) this.watches.add(data, length, WATCH_KINDS[type]!);
    else this.watches.remove(data, length, WATCH_KINDS[type]!);
    return 'OK';
  }

  private monitor(hex: string): void {
    const bytes = fromHex(hex);
    if (!bytes) return this.send(E_MALFORMED);
    const text = monitorCommand(this.node, Buffer.from(bytes).toString('latin1').trim());
    // Console output goes as O packets, then the command's own OK.
    this.send(`O${toHex(Buffer.from(text.endsWith('\n') ? text : `${text}\n`))}`);
    this.send('OK');
  }

  /** D (detach), k and vKill: the debugger goes, the world runs on (a node cannot be killed from here). */
  private end(how: 'detach' | 'kill', reply: boolean): void {
    if (reply) this.send('OK');
    this.opts.log?.(`gdb: debugger ${how === 'kill' ? 'sent kill' : 'detached'}; the world runs on`);
    this.detach();
    this.link.drop();
  }
}

function stopReply(reason: Halt): string {
  if (reason.kind === 'interrupt') return `T${leHex(GDB_SIGINT, 1)}`;
  if (reason.kind === 'watch') return `T${leHex(GDB_SIGTRAP, 1)}${WATCH_REPLY[reason.watch]}:${(AVR_DATA_ORIGIN + reason.address).toString(16)};`;
  return `T${leHex(GDB_SIGTRAP, 1)}`;
}
