// One scenario of `esphil run`, from building its world to closing its files:
// the same code whether it runs in the command's own thread (--jobs 1) or in
// a worker thread of a parallel run (run-pool.ts), so both write the same
// report text, traces, VCDs and pcaps.
import type { PkiFolder } from '@esphil/broker';
import type { Scenario } from '../scenario/loader.ts';
import { runScenario, type Reporter, type ScenarioResult } from '../scenario/runner.ts';
import type { Output } from '../scenario/reporters/output.ts';
import { HumanReporter } from '../scenario/reporters/human.ts';
import { JsonReporter } from '../scenario/reporters/json.ts';
import type { ProgressBar } from '../scenario/reporters/progress.ts';
import { World } from '../world/world.ts';
import { worldConfigFor } from '../world/resolve.ts';
import type { ViewServer } from '../view/server.ts';
import { unusable } from './errors.ts';
import { openRecorders, perScenario } from './recorders.ts';
import { TimelinePrinter } from './timeline-printer.ts';
import { viewFromFlags } from './view-flags.ts';
import { startGdb } from './gdb.ts';

/** The flags of `esphil run` one scenario needs (plain data: a worker receives them as sent). */
export interface ScenarioFlags {
  'avr-hex'?: string | undefined;
  'avr-elf'?: string | undefined;
  trace?: string | undefined;
  vcd?: string | undefined;
  pcap?: string | undefined;
  json: boolean;
  timeline: boolean;
  gdb?: number | undefined;
  'gdb-wait': boolean;
  view: boolean;
  'view-port': number;
  open: boolean;
}

export interface ScenarioRun {
  flags: ScenarioFlags;
  pki: PkiFolder | undefined;
  /** Several scenarios in the run: each gets its own trace/VCD/pcap file. */
  many: boolean;
  out: Output;
  reporter: Reporter;
  progress?: ProgressBar;
}

/** Runs `s` in a fresh world with its recorders, view and gdb stub as the flags ask; the view, if any, stays open. */
export async function runScenarioOnce(s: Scenario, run: ScenarioRun): Promise<{ result: ScenarioResult; view: ViewServer | null }> {
  const { flags, many } = run;
  const world = await unusable(`${s.file}: cannot build the node`, () => World.create(worldConfigFor(s.node, { avrHex: flags['avr-hex'], avrElf: flags['avr-elf'], pki: run.pki })));
  const recorders = openRecorders(world, {
    trace: perScenario(flags.trace, s.file, many),
    vcd: perScenario(flags.vcd, s.file, many),
    pcap: perScenario(flags.pcap, s.file, many),
  });
  const view = await viewFromFlags('run', world, s.file, flags);
  if (view) console.error(`esphil run: view at ${view.url}`);
  const timeline = flags.timeline ? new TimelinePrinter(run.out, { json: flags.json, ...(run.progress && { progress: run.progress }) }) : null;
  timeline?.attach(world);
  let gdb = null;
  try {
    gdb = await startGdb(world, 'run', flags, s.node.gdbPort);
    world.powerOn();
    return { result: await runScenario(s, world, run.reporter), view };
  } finally {
    gdb?.close();
    timeline?.stop();
    await world.close();
    await recorders.close();
  }
}

/** A scenario's report as a worker thread writes it, or this thread for a scenario whose worker failed. */
export function reportTo(out: Output, json: boolean, color: boolean): HumanReporter | JsonReporter {
  return json ? new JsonReporter(out) : new HumanReporter(out, { color });
}
