// `esphil run --jobs N`: scenarios run in N worker threads (run-worker.ts), and
// this thread prints each scenario's report in the suite's order, as soon as it
// and every one before it are done, so the output is a serial run's (wall times
// aside). A thread that dies, or a fault outside the scenario's steps, is
// reported as that scenario's world error; the other scenarios go on.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { Scenario } from '../scenario/loader.ts';
import type { Reporter, ScenarioResult, StepResult } from '../scenario/runner.ts';
import type { Output } from '../scenario/reporters/output.ts';
import { wallMs } from '../scenario/wall-clock.ts';
import { UsageError } from '../errors.ts';
import type { ThrownError, WorkerInit, WorkerJob, WorkerMessage } from './run-worker.ts';

// Built JavaScript runs the built worker. From the sources (tsx, vitest) the worker
// registers tsx itself first: Node 20 does not pass a loader's hooks on to worker threads.
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const WORKER = new URL(`./run-worker.${FROM_SOURCES ? 'ts' : 'js'}`, import.meta.url);
const TSCONFIG = new URL('../../../../tsconfig.json', import.meta.url);

// In the esphil command's one-file CLI (scripts/bundle-cli.mjs) a worker loads that same file
// and its code cache instead of the built modules one by one.
const BUNDLE_LOADER = (import.meta as ImportMeta & { esphilBundleLoader?: string }).esphilBundleLoader;

function newWorker(init: WorkerInit): Worker {
  if (BUNDLE_LOADER) {
    const boot = `import(${JSON.stringify(BUNDLE_LOADER)}).then(({ loadBundle }) => loadBundle().exports.startRunWorker())`;
    return new Worker(boot, { eval: true, workerData: init });
  }
  if (!FROM_SOURCES) return new Worker(WORKER, { workerData: init });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const boot = `import(${tsx}).then(({ register }) => { register({ tsconfig: ${JSON.stringify(fileURLToPath(TSCONFIG))} }); return import(${JSON.stringify(WORKER.href)}); })`;
  return new Worker(boot, { eval: true, workerData: init });
}

export interface PoolOptions extends WorkerInit {
  jobs: number;
  out: Output;
  /** The report for a scenario whose thread failed, written on this thread. */
  reporterFor(out: Output): Reporter;
}

interface Slot {
  text: string[];
  startNs?: bigint;
  wall0: number;
  steps: StepResult[];
  result?: ScenarioResult;
  /** A user's error (or an errno error) to raise once the scenarios before it are printed, as a serial run would. */
  unusable?: Error;
}

/** Runs `scenarios` in up to `jobs` threads; the results in the suite's order. Throws what a serial run would throw. */
export function runInWorkers(scenarios: readonly Scenario[], opts: PoolOptions): Promise<ScenarioResult[]> {
  const slots: Slot[] = scenarios.map(() => ({ text: [], steps: [], wall0: 0 }));
  const results: ScenarioResult[] = [];
  const workers = new Set<Worker>();
  const init: WorkerInit = { flags: opts.flags, pkiDir: opts.pkiDir, many: opts.many, color: opts.color };
  let next = 0;
  // Scenarios after one with unusable input are not started: a serial run stops there.
  let stopAt = scenarios.length;
  let finished = false;

  return new Promise((resolve, reject) => {
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      for (const w of workers) void w.terminate();
      if (error) reject(error);
      else resolve(results);
    };

    // The first scenario not yet printed streams its text as it comes; the ones after wait their turn.
    const flush = () => {
      while (!finished && results.length < slots.length) {
        const slot = slots[results.length]!;
        for (const text of slot.text.splice(0)) opts.out.write(text);
        if (slot.unusable) return finish(slot.unusable);
        if (!slot.result) return;
        results.push(slot.result);
      }
      finish();
    };

    const fail = (index: number, why: string) => {
      const slot = slots[index]!;
      slot.result = failedResult(scenarios[index]!, slot, why, opts.reporterFor({ write: (t: string) => slot.text.push(t) }));
      flush();
    };

    const start = () => {
      if (finished || next >= stopAt) return;
      const worker = newWorker(init);
      workers.add(worker);
      let current = -1;
      let died: string | undefined;
      const give = () => {
        current = next < stopAt ? next++ : -1;
        if (current < 0) void worker.terminate();
        else {
          slots[current]!.wall0 = wallMs();
          worker.postMessage({ index: current, file: scenarios[current]!.file } satisfies WorkerJob);
        }
      };
      worker.on('message', (m: WorkerMessage) => {
        const slot = slots[m.index]!;
        switch (m.type) {
          case 'out':
            slot.text.push(m.text);
            if (m.index === results.length) flush();
            return;
          case 'start':
            slot.startNs = m.tNs;
            return;
          case 'step':
            slot.steps.push(m.result);
            return;
          case 'done':
            slot.result = m.result;
            flush();
            return give();
          case 'thrown':
            if (m.error.usage || isErrno(m.error)) {
              slot.unusable = rebuild(m.error);
              stopAt = Math.min(stopAt, m.index);
              flush();
              return give();
            }
            // A fault outside the steps (closing the world, a recorder): that thread's state is suspect; a fresh one goes on.
            died = m.error.stack ?? m.error.message;
            return void worker.terminate();
        }
      });
      worker.on('error', (e) => (died = e.stack ?? e.message));
      worker.on('exit', (code) => {
        workers.delete(worker);
        if (finished) return;
        if (current >= 0) fail(current, died ?? `its worker thread stopped (exit code ${code})`);
        start();
      });
      give();
    };

    for (let i = 0; i < Math.min(opts.jobs, scenarios.length); i++) start();
  });
}

/** A scenario whose thread failed: the steps it finished, the one it was in as a world error, the rest skipped. */
function failedResult(s: Scenario, slot: Slot, why: string, reporter: Reporter): ScenarioResult {
  const startNs = slot.startNs ?? 0n;
  if (slot.startNs === undefined) reporter.scenarioStart?.(s, startNs, () => startNs);
  const steps = [...slot.steps];
  const endNs = steps.at(-1)?.endNs ?? startNs;
  const message = `world error: ${why}`;
  let failure: ScenarioResult['failure'] = { index: steps.length, step: 'closing the world', at: s.file, message };
  for (const [i, step] of s.steps.entries()) {
    if (i < steps.length) continue;
    const base = { index: i + 1, keyword: step.keyword, step: step.describe(), at: step.at, ...(step.label !== undefined && { label: step.label }) };
    const first = i === slot.steps.length;
    const r: StepResult = first ? { ...base, status: 'error', startNs: endNs, endNs, wallMs: 0, message } : { ...base, status: 'skipped', wallMs: 0 };
    if (first) failure = { index: base.index, step: base.step, at: base.at, message };
    steps.push(r);
    reporter.stepEnd?.(s, r);
  }
  const result: ScenarioResult = { file: s.file, name: s.name, status: 'error', steps, startNs, endNs, wallMs: wallMs() - slot.wall0, failure };
  reporter.scenarioEnd?.(s, result);
  return result;
}

const isErrno = (e: ThrownError) => typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code) && (e.path !== undefined || e.syscall !== undefined);

/** The worker's error as this thread raises it, so the command prints it as it would in a serial run. */
function rebuild(e: ThrownError): Error {
  if (e.usage) return new UsageError(e.message);
  return Object.assign(new Error(e.message), { code: e.code, syscall: e.syscall, path: e.path });
}
