// A worker thread of `esphil run --jobs N`: runs whole scenarios, one at a time,
// as the command's own thread would (run-scenario.ts), and sends back the
// report text, each step's result and the scenario's result. Trace, VCD and
// pcap files are written here, exactly as a serial run writes them.
import { parentPort, workerData } from 'node:worker_threads';
import { loadScenario } from '../scenario/loader.ts';
import { allReporters, type Reporter, type ScenarioResult, type StepResult } from '../scenario/runner.ts';
import type { Output } from '../scenario/reporters/output.ts';
import { UsageError } from '../errors.ts';
import { ScenarioLoadError } from '../scenario/errors.ts';
import { readPkiFlag } from './pki.ts';
import { reportTo, runScenarioOnce, type ScenarioFlags } from './run-scenario.ts';

export interface WorkerInit {
  flags: ScenarioFlags;
  /** --pki: the folder is read again here (the main thread has checked it). */
  pkiDir: string | undefined;
  many: boolean;
  color: boolean;
}

export interface WorkerJob {
  index: number;
  file: string;
}

/** What a thrown error carries across threads: enough for the main thread to tell a user's error from a fault. */
export interface ThrownError {
  usage: boolean;
  message: string;
  stack?: string | undefined;
  code?: string | undefined;
  syscall?: string | undefined;
  path?: string | undefined;
}

export type WorkerMessage =
  | { type: 'out'; index: number; text: string }
  | { type: 'start'; index: number; tNs: bigint }
  | { type: 'step'; index: number; result: StepResult }
  | { type: 'done'; index: number; result: ScenarioResult }
  | { type: 'thrown'; index: number; error: ThrownError };

function thrown(e: unknown): ThrownError {
  const err = e as NodeJS.ErrnoException;
  if (!(err instanceof Error)) return { usage: false, message: String(e) };
  // A scenario file edited since the command read it is the user's doing, as a load error would be.
  return { usage: err instanceof UsageError || err instanceof ScenarioLoadError, message: err.message, stack: err.stack, code: err.code, syscall: err.syscall, path: err.path };
}

if (parentPort) {
  const port = parentPort;
  const init = workerData as WorkerInit;
  const post = (m: WorkerMessage) => port.postMessage(m);
  let pki: ReturnType<typeof readPkiFlag> | null = null;
  port.on('message', async ({ index, file }: WorkerJob) => {
    const out: Output = { write: (text: string) => post({ type: 'out', index, text }) };
    const forward: Reporter = {
      scenarioStart: (_s, tNs) => post({ type: 'start', index, tNs }),
      stepEnd: (_s, result) => post({ type: 'step', index, result }),
    };
    try {
      const scenario = await loadScenario(file);
      pki ??= readPkiFlag('run', init.pkiDir);
      const reporter = allReporters(forward, reportTo(out, init.flags.json, init.color));
      const { result } = await runScenarioOnce(scenario, { flags: init.flags, pki, many: init.many, out, reporter });
      post({ type: 'done', index, result });
    } catch (e) {
      post({ type: 'thrown', index, error: thrown(e) });
    }
  });
}
