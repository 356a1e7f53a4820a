// The files a run or serve session can record: --trace (JSONL timeline),
// --vcd (logic-analyzer wires) and --pcap (the broker-side MQTT session).
import { TraceRecorder } from '../trace/recorder.ts';
import { JsonlTraceWriter } from '../trace/jsonl.ts';
import { VcdWriter } from '../trace/vcd.ts';
import { fileOut } from '../trace/out.ts';
import type { World } from '../world/world.ts';
import { UsageError } from './errors.ts';

export interface RecorderFiles {
  trace?: string;
  vcd?: string;
  pcap?: string;
}

export interface Recorders {
  /** The timeline in memory: only when a trace or VCD file is written, or `keep` asked for it. */
  readonly trace: TraceRecorder | null;
  close(): Promise<void>;
}

function open<T>(path: string, what: string, make: (p: string) => T): T {
  try {
    return make(path);
  } catch (e) {
    throw new UsageError(`cannot write ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function openRecorders(world: World, files: RecorderFiles, opts: { keep?: boolean } = {}): Recorders {
  // Only the stepper queries the timeline; files are streamed and nothing is kept for them.
  const trace = files.trace || files.vcd || opts.keep ? new TraceRecorder({ retain: opts.keep ?? false }) : null;
  if (trace) {
    if (files.trace) trace.addSink(new JsonlTraceWriter(open(files.trace, 'trace', fileOut)));
    if (files.vcd) trace.addSink(new VcdWriter(open(files.vcd, 'VCD', fileOut)));
    world.onTrace((e) => trace.record(e));
  }
  const pcap = files.pcap ? open(files.pcap, 'pcap', (p) => world.recordPcap(p)) : null;
  return {
    trace,
    async close() {
      trace?.close();
      await pcap?.close();
    },
  };
}

/** With several scenarios, each gets its own file: out.vcd -> out.<scenario>.vcd. */
export function perScenario(path: string | undefined, scenarioFile: string, many: boolean): string | undefined {
  if (!path || !many) return path;
  const base = scenarioFile.replace(/^.*\//, '').replace(/\.ya?ml$/i, '');
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') ? `${path.slice(0, dot)}.${base}${path.slice(dot)}` : `${path}.${base}`;
}

/** Two scenario files with one name would write the same F.<scenario>.ext (at once, with --jobs): refused before anything runs. */
export function checkPerScenarioPaths(command: string, paths: Record<string, string | undefined>, scenarioFiles: readonly string[]): void {
  if (scenarioFiles.length < 2) return;
  for (const [flag, path] of Object.entries(paths)) {
    if (!path) continue;
    const writer = new Map<string, string>();
    for (const file of scenarioFiles) {
      const out = perScenario(path, file, true)!;
      const other = writer.get(out);
      if (other !== undefined) throw new UsageError(`esphil ${command}: --${flag}: ${other} and ${file} would both write ${out}; rename one or run them apart`);
      writer.set(out, file);
    }
  }
}
