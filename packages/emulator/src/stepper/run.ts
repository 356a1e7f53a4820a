// `esphil step`: reads commands line by line from any stream, so the same
// session works at a terminal (readline history, colour, prompt) and from a
// pipe (`printf 'n\nq\n' | esphil step trace.jsonl`: plain text, each
// command echoed so the transcript reads on its own).
import { createInterface } from 'node:readline';
import type { TraceEvent } from '../trace/events.ts';
import { readTraceFile } from '../trace/jsonl.ts';
import type { StepperSource } from './cursor.ts';
import { colour, plain } from './describe.ts';
import { StepSession } from './session.ts';

export interface StepperIo {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  isTTY: boolean;
}

const PROMPT = 'step> ';

/** Runs a session until quit or end of input; exit code 0, or 1 when the source failed to run further. */
export async function runStepper(src: StepperSource, io: StepperIo): Promise<number> {
  const paint = io.isTTY ? colour : plain;
  const print = (line: string): void => void io.output.write(`${line}\n`);
  let sourceFailed = false;
  const guarded: StepperSource = {
    get events() {
      return src.events;
    },
    label: src.label,
    ...(src.avrBreak ? { avrBreak: src.avrBreak } : {}),
    more: async () => {
      try {
        return await src.more();
      } catch (err) {
        sourceFailed = true;
        print(paint.error(`${src.label}: ${(err as Error).message}`));
        return false;
      }
    },
  };
  const session = new StepSession(guarded, print, paint);
  const rl = io.isTTY
    ? createInterface({ input: io.input, output: io.output, terminal: true, historySize: 1000, prompt: PROMPT, completer: (l: string) => session.complete(l) })
    : createInterface({ input: io.input, terminal: false });
  print(session.banner());
  if (io.isTTY) rl.prompt();
  try {
    for await (const line of rl) {
      if (!io.isTTY) print(`${PROMPT}${line}`);
      if (!(await session.exec(line))) break;
      if (io.isTTY) rl.prompt();
    }
  } finally {
    rl.close();
  }
  return sourceFailed ? 1 : 0;
}

const byTime = (a: TraceEvent, b: TraceEvent): number => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0);

/** A recorded trace.jsonl; throws TraceFormatError (file:line) when a line is not a trace event. */
export function traceFileSource(path: string): StepperSource {
  // Array#sort is stable: events at the same t keep their order in the file.
  const events = readTraceFile(path).sort(byTime);
  return { events, label: path, more: async () => false };
}
