// A readable account of what the node did: relay changes, network and TLS
// happenings, MQTT commands and the sketch's serial lines, stamped with
// virtual time (what `pnpm start` shows).
import { formatVirtual } from '../scenario/duration.ts';
import type { World } from '../world/world.ts';
import type { TraceEvent } from '../trace/events.ts';
import { jsonValue } from '../trace/jsonl.ts';

interface Out {
  write(text: string): unknown;
}

export class TimelinePrinter {
  private stopped = false;

  constructor(
    private readonly out: Out,
    private readonly opts: { json: boolean; progress?: { clear(): void; draw(): void } },
  ) {}

  attach(world: World): void {
    world.onTrace((e) => {
      if (this.stopped) return;
      const line = this.describe(e);
      if (!line) return;
      this.opts.progress?.clear();
      this.out.write(this.opts.json ? `${JSON.stringify({ event: e.kind, t: e.t, ...line.fields }, jsonValue)}\n` : `  ${formatVirtual(e.t).padStart(14)}  ${line.text}\n`);
      this.opts.progress?.draw();
    });
  }

  /** The run is over: what the world does while shutting down is not part of its story. */
  stop(): void {
    this.stopped = true;
  }

  private describe(e: TraceEvent): { text: string; fields: Record<string, unknown> } | null {
    switch (e.kind) {
      case 'relays':
        return { text: `relays ${e.on.length ? `on: zone ${e.on.join(', ')}` : 'all off'} (PORTD ${hex(e.portd)})`, fields: { on: e.on } };
      case 'serial':
        return { text: `serial  ${e.text}`, fields: { text: e.text } };
      case 'node':
        return { text: `node    ${e.what}${e.detail ? ' ' + JSON.stringify(e.detail, jsonValue) : ''}`, fields: { what: e.what, ...(e.detail ?? {}) } };
      case 'mqtt': {
        const p = e.packet as { cmd?: string; topic?: string; payload?: unknown };
        if (p.cmd === 'pingreq' || p.cmd === 'pingresp') return null;
        const arrow = e.dir === 'to-broker' ? `${e.client || '?'} -> broker` : `broker -> ${e.client || '?'}`;
        const what = p.cmd === 'publish' ? `PUBLISH ${p.topic} ${JSON.stringify(p.payload)}` : String(p.cmd).toUpperCase();
        return { text: `mqtt    ${arrow}: ${what}`, fields: { dir: e.dir, client: e.client, cmd: p.cmd, ...(p.topic ? { topic: p.topic, payload: p.payload } : {}) } };
      }
      default:
        return null;
    }
  }
}

const hex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;
