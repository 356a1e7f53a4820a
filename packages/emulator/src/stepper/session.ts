// The stepper's commands over one trace: moving the cursor, breakpoints,
// search, and `show` of the chips' state at the cursor.
import type { RelaysEvent, SpiEvent } from '../trace/events.ts';
import { encodeTraceEvent } from '../trace/jsonl.ts';
import { eventsBetween } from '../trace/query.ts';
import { BREAK_KINDS, type Breakpoint, makeBreakpoint } from './breakpoints.ts';
import { Cursor, type StepperSource } from './cursor.ts';
import { type Paint, avrLines, byteLine, edgeLine, espLines, eventLine, eventText, plain, transactionLines } from './describe.ts';
import { formatSpan, formatTime, parseTime } from './time.ts';
import { parseDuration } from '../scenario/duration.ts';

interface Command {
  names: string[];
  args?: string;
  help: string;
  /** An empty line repeats it (like gdb's stepping commands). */
  repeats?: boolean;
  run(args: string): Promise<void> | void;
}

export class StepSession {
  readonly cursor: Cursor;
  readonly history: string[] = [];
  private readonly breakpoints: Breakpoint[] = [];
  private nextBreakId = 1;
  private windowNs = 1_000_000_000n;
  private lastSearch = '';
  private lastRepeatable: string | null = null;
  private readonly commands: Command[];
  private quit = false;

  constructor(
    src: StepperSource,
    private readonly print: (line: string) => void,
    private readonly paint: Paint = plain,
  ) {
    this.cursor = new Cursor(src);
    this.commands = [
      { names: ['next', 'n'], help: 'next SPI transaction', repeats: true, run: () => this.move(this.cursor.nextTransaction(), 'no later SPI transaction') },
      { names: ['prev', 'p'], help: 'previous SPI transaction', repeats: true, run: () => this.move(this.cursor.prevTransaction(), 'no earlier SPI transaction') },
      { names: ['nextbyte', 'nb'], help: 'next byte (into the next transaction at the end of this one)', repeats: true, run: () => this.move(this.cursor.nextByte(), 'no later SPI byte') },
      { names: ['prevbyte', 'pb'], help: 'previous byte', repeats: true, run: () => this.move(this.cursor.prevByte(), 'no earlier SPI byte') },
      { names: ['nextedge', 'ne'], help: 'next SCK edge of the current byte, with the MOSI/MISO bit it samples or shifts', repeats: true, run: () => this.move(this.cursor.nextEdge(), 'no later SCK edge') },
      { names: ['prevedge', 'pe'], help: 'previous SCK edge', repeats: true, run: () => this.move(this.cursor.prevEdge(), 'no earlier SCK edge') },
      { names: ['goto', 'g'], args: '<time>', help: 'jump to a time since power-on (T+16:00:05.250, T+2min) or by a span (+10ms, -1s)', run: (a) => this.goto(a) },
      { names: ['continue', 'c'], help: 'run forward to the next breakpoint (to the end when none is set)', repeats: true, run: () => this.continue() },
      { names: ['break', 'b'], args: '<kind> <what>', help: 'breakpoint: mosi|miso <hex bytes, xx = any>, zone <0..7|any>, topic <MQTT filter>, serial <text|/regex/>, avr <function|0xaddr> (scenarios)', run: (a) => this.addBreak(a) },
      { names: ['breaks', 'bl'], help: 'list breakpoints', run: () => this.listBreaks() },
      { names: ['delete', 'd'], args: '<n>', help: 'delete breakpoint n', run: (a) => this.deleteBreak(a) },
      { names: ['search', 's', '/'], args: '<text>', help: 'next event of any kind containing the text (again without text)', repeats: true, run: (a) => this.search(a) },
      { names: ['show', 'x'], help: 'the cursor: transaction in hex/binary and meaning, AVR and ESP state, MQTT around it', run: () => this.show() },
      { names: ['window', 'w'], args: '<span>', help: 'how far around the cursor show lists MQTT messages (default 1s)', run: (a) => this.setWindow(a) },
      { names: ['history', 'hist'], help: 'commands entered so far', run: () => this.history.forEach((h, i) => this.print(`${String(i + 1).padStart(4)}  ${h}`)) },
      { names: ['help', 'h', '?'], help: 'this list', run: () => this.help() },
      { names: ['quit', 'q', 'exit'], help: 'leave (so does end of input)', run: () => void (this.quit = true) },
    ];
  }

  /** Runs one input line; returns false once the session should end. */
  async exec(line: string): Promise<boolean> {
    let text = line.trim();
    if (!text) {
      if (!this.lastRepeatable) return true;
      text = this.lastRepeatable;
    } else {
      this.history.push(text);
    }
    const [word = ''] = text.split(/\s+/);
    const args = text.slice(word.length).trim();
    const cmd = this.commands.find((c) => c.names.includes(word.toLowerCase()));
    if (!cmd) {
      this.print(this.paint.error(`unknown command "${word}" (type help for the list)`));
      return true;
    }
    this.lastRepeatable = cmd.repeats ? text : null;
    try {
      await cmd.run(args);
    } catch (err) {
      const msg = (err as Error).message;
      this.print(this.paint.error(msg.startsWith(cmd.names[0]!) ? msg : `${cmd.names[0]}: ${msg}`));
    }
    return !this.quit;
  }

  /** readline completer: command names, then breakpoint kinds after `break`. */
  complete(line: string): [string[], string] {
    const words = line.trimStart().split(/\s+/);
    if (words.length === 1) {
      const names = this.commands.flatMap((c) => c.names).filter((n) => n.length > 1 && n.startsWith(words[0]!));
      return [names, words[0]!];
    }
    if (words.length === 2 && (words[0] === 'break' || words[0] === 'b')) {
      return [BREAK_KINDS.filter((k) => k.startsWith(words[1]!)).map((k) => `${k} `), words[1]!];
    }
    return [[], line];
  }

  banner(): string {
    const { events, label } = this.cursor.src;
    const spi = events.filter((e) => e.kind === 'spi').length;
    return `esphil step: ${label}: ${events.length} events, ${spi} SPI transaction${spi === 1 ? '' : 's'} so far. Type help for commands.`;
  }

  private help(): void {
    this.print('Commands (every name in a row works; an empty line repeats a stepping command):');
    const usage = this.commands.map((c) => `${c.names.join(', ')}${c.args ? ` ${c.args}` : ''}`);
    const width = Math.max(...usage.map((u) => u.length));
    this.commands.forEach((c, i) => this.print(`  ${usage[i]!.padEnd(width)}  ${c.help}`));
  }

  private async move(moved: boolean | Promise<boolean>, none: string): Promise<void> {
    if (!(await moved)) {
      this.print(`${none} (${this.cursor.src.label} has ${this.cursor.events.length} events)`);
      return;
    }
    this.printPosition();
  }

  /** What the cursor stands on, briefly. */
  private printPosition(): void {
    const { ev, byte, edge } = this.cursor.pos;
    const spi = this.cursor.spi();
    if (spi && byte !== null) {
      this.print(this.paint.head(`SPI #${this.cursor.transactionNumber(spi)} at ${formatTime(spi.t)}`));
      this.print(`  ${byteLine(spi, byte, this.paint)}`);
      if (edge !== null) this.print(`  ${edgeLine(spi, byte, edge, this.paint)}`);
    } else if (spi) {
      transactionLines(spi, this.cursor.transactionNumber(spi), this.paint).forEach((l) => this.print(l));
    } else if (ev) {
      this.print(eventLine(ev, this.paint));
    } else {
      this.print(`at ${formatTime(this.cursor.pos.t)}, before the first event`);
    }
  }

  private async goto(args: string): Promise<void> {
    if (!args) throw new Error('missing time, e.g. goto T+16:00:05 or goto +10ms');
    const t = parseTime(args, this.cursor.pos.t);
    await this.cursor.goto(t);
    const ev = this.cursor.pos.ev;
    this.print(`at ${formatTime(t)}${ev ? `, last event ${formatSpan(ev.t - t, true)}:` : ', before the first event'}`);
    if (ev) this.print(`  ${eventLine(ev, this.paint)}`);
  }

  /** Zones energised at event index i, from the last relay port change at or before it. */
  private zonesAt(i: number): number[] {
    for (let j = Math.min(i, this.cursor.events.length - 1); j >= 0; j--) {
      const e = this.cursor.events[j]!;
      if (e.kind === 'relays') return e.on;
    }
    return [];
  }

  private async continue(): Promise<void> {
    if (!this.breakpoints.length) this.print('no breakpoints set: running to the end');
    let zones = this.zonesAt(this.cursor.index());
    const found: { bp: Breakpoint | null; at: number } = { bp: null, at: -1 };
    const i = await this.cursor.scanForward((e) => {
      for (const bp of this.breakpoints) {
        found.at = bp.hit(e, zones);
        if (found.at >= 0) {
          found.bp = bp;
          return true;
        }
      }
      if (e.kind === 'relays') zones = (e as RelaysEvent).on;
      return false;
    });
    const events = this.cursor.events;
    if (i < 0 || !found.bp) {
      const last = events.at(-1);
      if (last) this.cursor.focus(last);
      this.print(`end of ${this.cursor.src.label} reached${last ? ` at ${formatTime(last.t)}` : ''}${this.breakpoints.length ? ', no breakpoint hit' : ''}`);
      if (last) this.printPosition();
      return;
    }
    const e = events[i]!;
    this.cursor.focus(e, e.kind === 'spi' && (e as SpiEvent).bytes.length ? found.at : null);
    this.print(this.paint.head(`Breakpoint ${found.bp.id} (${found.bp.kind} ${found.bp.spec}) at ${formatTime(e.t)}`));
    this.printPosition();
  }

  private addBreak(args: string): void {
    const [kind = ''] = args.split(/\s+/);
    const bp = makeBreakpoint(this.nextBreakId, kind, args.slice(kind.length).trim(), this.cursor.src.avrBreak);
    this.nextBreakId++;
    this.breakpoints.push(bp);
    this.print(`Breakpoint ${bp.id}: ${bp.kind} ${bp.spec}`);
  }

  private listBreaks(): void {
    if (!this.breakpoints.length) this.print('no breakpoints');
    for (const bp of this.breakpoints) this.print(`  ${bp.id}  ${bp.kind} ${bp.spec}`);
  }

  private deleteBreak(args: string): void {
    const id = Number(args);
    const i = this.breakpoints.findIndex((b) => b.id === id);
    if (!args || i < 0) throw new Error(`no breakpoint ${JSON.stringify(args)} (breaks lists them)`);
    this.breakpoints.splice(i, 1)[0]!.remove?.();
    this.print(`deleted breakpoint ${id}`);
  }

  private async search(args: string): Promise<void> {
    const query = (args || this.lastSearch).toLowerCase();
    if (!query) throw new Error('missing text to search for');
    this.lastSearch = query;
    const from = this.cursor.pos.t;
    const i = await this.cursor.scanForward((e) => eventText(e).toLowerCase().includes(query) || encodeTraceEvent(e).toLowerCase().includes(query));
    if (i < 0) {
      this.print(`"${query}" not found after ${formatTime(from)}`);
      return;
    }
    this.cursor.focus(this.cursor.events[i]!);
    this.printPosition();
  }

  private setWindow(args: string): void {
    if (!args) throw new Error(`missing span (now ${formatSpan(this.windowNs)})`);
    this.windowNs = parseDuration(args);
    this.print(`show lists MQTT messages within ±${formatSpan(this.windowNs)} of the cursor`);
  }

  private async show(): Promise<void> {
    const { t, ev, byte, edge } = this.cursor.pos;
    const p = this.paint;
    // Make sure the MQTT window after the cursor has been run (scenario mode).
    while ((this.cursor.events.at(-1)?.t ?? -1n) <= t + this.windowNs && (await this.cursor.grow()));
    const index = this.cursor.index();
    this.print(p.head(`Cursor at ${formatTime(t)}`) + (ev ? `  ${eventText(ev, p)}` : '  (before the first event)'));
    let spi = this.cursor.spi();
    if (!spi) {
      const j = this.cursor.findPrev((e) => e.kind === 'spi');
      spi = j >= 0 ? (this.cursor.events[j] as SpiEvent) : null;
      this.print(spi ? 'Last SPI transaction before the cursor:' : 'No SPI transaction before the cursor.');
    }
    if (spi) {
      transactionLines(spi, this.cursor.transactionNumber(spi), p).forEach((l) => this.print(l));
      if (byte !== null && spi === ev) this.print(`  cursor on ${byteLine(spi, byte, p)}`);
      if (byte !== null && edge !== null && spi === ev) this.print(`  cursor on ${edgeLine(spi, byte, edge, p)}`);
      this.print(p.head(`AVR (ATmega168) at SS rising, ${formatTime(spi.end)}:`));
      (spi.avr ? avrLines(spi.avr) : ['  (no snapshot in this trace)']).forEach((l) => this.print(l));
      this.print(p.head(`ESP8266 at SS rising, ${formatTime(spi.end)}:`));
      (spi.esp ? espLines(spi.esp) : ['  (no snapshot in this trace)']).forEach((l) => this.print(l));
    }
    const relays = this.zonesAt(index);
    this.print(`Relays at the cursor: zones on: ${relays.length ? relays.join(', ') : 'none'}`);
    const mqtt = eventsBetween(this.cursor.events, t > this.windowNs ? t - this.windowNs : 0n, t + this.windowNs).filter((e) => e.kind === 'mqtt');
    this.print(p.head(`MQTT within ±${formatSpan(this.windowNs)}:`) + (mqtt.length ? '' : ' none'));
    for (const m of mqtt) this.print(`  ${formatSpan(m.t - t, true).padStart(12)}  ${eventText(m, p)}`);
  }
}

