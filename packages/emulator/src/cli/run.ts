// esphil run: scenarios in virtual time. Exit 0 when every scenario passes,
// 1 when one fails, 2 when an input cannot be used (nothing runs then).
import { writeFileSync } from 'node:fs';
import { loadScenario, type Scenario } from '../scenario/loader.ts';
import { ScenarioLoadError } from '../scenario/errors.ts';
import { allReporters, type ScenarioResult, type Reporter } from '../scenario/runner.ts';
import { HumanReporter } from '../scenario/reporters/human.ts';
import { JsonReporter } from '../scenario/reporters/json.ts';
import { ProgressBar } from '../scenario/reporters/progress.ts';
import { junitXml } from '../scenario/reporters/junit.ts';
import { PKI_FLAG, readPkiFlag } from './pki.ts';
import { readInput } from '../world/defaults.ts';
import { defineCommand, parseCommand } from './flags.ts';
import { EXIT_FAILED, EXIT_OK, EXIT_UNUSABLE, UsageError } from './errors.ts';
import { checkOutputPaths, parseShard, scenarioFiles, selectScenarios } from './select.ts';
import { VIEW_FLAGS } from './view-flags.ts';
import type { ViewServer } from '../view/server.ts';
import { FIRMWARE_FLAGS, GDB_FLAGS, checkFirmwareFlags } from './gdb.ts';
import { availableParallelism } from 'node:os';
import { wantsColor } from '../scenario/reporters/output.ts';
import { reportTo, runScenarioOnce } from './run-scenario.ts';
import { checkPerScenarioPaths } from './recorders.ts';
import { DEFAULT_MAX_VIRTUAL_NS, checkVirtualSpan } from '../scenario/virtual-span.ts';

export const command = defineCommand({
  name: 'run',
  args: '<scenario.yaml|dir|glob...>',
  summary: 'run scenarios in virtual time',
  flags: {
    'avr-hex': { kind: 'string', arg: 'F.hex', meaning: "run this ATmega168 .hex instead of the scenario's firmware" },
    ...FIRMWARE_FLAGS,
    ...GDB_FLAGS,
    pki: PKI_FLAG,
    junit: { kind: 'string', arg: 'F.xml', meaning: 'write a JUnit XML report for CI systems' },
    trace: { kind: 'string', arg: 'F.jsonl', meaning: "write the run's timeline as JSON lines (docs/trace.md)" },
    vcd: { kind: 'string', arg: 'F.vcd', meaning: 'write SCK/MOSI/MISO/SS/RESET/PD0..PD7 for GTKWave, PulseView, sigrok-cli' },
    pcap: { kind: 'string', arg: 'F.pcap', meaning: 'write the broker-side MQTT session as a pcap (tshark, Wireshark)' },
    grep: { kind: 'string', arg: 'RE', meaning: "run only the scenarios whose name matches this regular expression" },
    shard: { kind: 'string', arg: 'I/N', meaning: 'run only every N-th selected scenario from the I-th (CI matrices: N jobs run each scenario once)' },
    jobs: {
      kind: 'number',
      arg: 'N',
      meaning: 'run up to N scenarios at once in worker threads, reports in suite order (1: one at a time, in this process)',
      default: availableParallelism(),
      defaultText: "the machine's cores",
      check: { ok: (n: number) => Number.isInteger(n) && n >= 1, want: 'a whole number of scenarios at once, 1 or more' },
    },
    json: { kind: 'boolean', meaning: 'print one JSON object per line instead of text' },
    timeline: { kind: 'boolean', meaning: 'also print what the node did (relays, MQTT, serial, network)' },
    ...VIEW_FLAGS,
    'max-virtual': {
      kind: 'duration',
      arg: 'D',
      meaning: 'refuse (exit 2, before running) a scenario whose steps can take more virtual time than D',
      default: DEFAULT_MAX_VIRTUAL_NS,
      defaultText: '20 years, 7305d',
    },
  },
  notes: `a directory runs every *.yaml/*.yml below it in path order; quoted globs ('dir/**/*.yaml') are expanded by esphil
every output path is checked before anything runs
with several scenarios, --trace/--vcd/--pcap get one file each: F.<scenario>.ext (two scenario files of one name are refused)
--gdb, --view and scenarios with gdb: in their node section run one at a time in this process
with --view (one scenario), the page stays up after the run until Ctrl-C
exit 0: all passed; 1: a scenario failed; 2: unusable input`,
});

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(command, argv);
  if (!parsed) return EXIT_OK;
  const { flags: values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError('esphil run: name at least one scenario file; see esphil help run');
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  checkOutputPaths('run', { junit: values.junit, trace: values.trace, vcd: values.vcd, pcap: values.pcap });
  const files = scenarioFiles(positionals);
  checkFirmwareFlags('run', values);
  if (values['avr-hex']) readInput(values['avr-hex'], 'AVR hex file');
  if (values.view && files.length > 1) throw new UsageError(`esphil run: --view shows one scenario; ${files.length} were named`);
  const pki = readPkiFlag('run', values.pki);

  const loaded: Scenario[] = [];
  let loadFailed = false;
  for (const file of files) {
    try {
      const scenario = await loadScenario(file);
      checkVirtualSpan(scenario, values['max-virtual']);
      loaded.push(scenario);
    } catch (e) {
      if (!(e instanceof ScenarioLoadError)) throw e;
      console.error(e.message);
      loadFailed = true;
    }
  }
  if (loadFailed) return EXIT_UNUSABLE;
  const scenarios = selectScenarios(loaded, { grep: values.grep, shard });
  if (scenarios.length === 0 && values.grep !== undefined && !shard) throw new UsageError(`esphil run: no scenario name matches --grep ${JSON.stringify(values.grep)}`);
  checkPerScenarioPaths('run', { trace: values.trace, vcd: values.vcd, pcap: values.pcap }, scenarios.map((s) => s.file));

  const out = process.stdout;
  const json = values.json;
  const progress = new ProgressBar(out, { enabled: !json && out.isTTY === true });
  const human = new HumanReporter(out, { progress });
  const jsonReporter = new JsonReporter(out);
  const reporter: Reporter = json ? jsonReporter : allReporters(progress, human);
  const many = scenarios.length > 1;
  const jobs = Math.min(values.jobs, scenarios.length);
  // The debugger and the view hold one scenario's world: they run here, one scenario at a time.
  const inProcess = jobs <= 1 || values.view || values.gdb !== undefined || scenarios.some((s) => s.node.gdbPort !== undefined);
  let results: ScenarioResult[] = [];
  let view: ViewServer | null = null;
  if (inProcess) {
    for (const s of scenarios) {
      const ran = await runScenarioOnce(s, { flags: values, pki, many, out, reporter, progress });
      results.push(ran.result);
      view = ran.view;
    }
  } else {
    const color = wantsColor(out);
    // Worker threads only for a parallel run: one scenario here does not load them.
    const { runInWorkers } = await import('./run-pool.ts');
    results = await runInWorkers(scenarios, { jobs, flags: values, pkiDir: values.pki, many, color, out, reporterFor: (o) => reportTo(o, json, color) });
  }
  if (json) jsonReporter.summary(results);
  else human.summary(results);
  if (values.junit) {
    try {
      writeFileSync(values.junit, junitXml(results));
    } catch (e) {
      throw new UsageError(`cannot write JUnit report ${values.junit}: ${(e as Error).message}`);
    }
  }
  if (view) {
    console.error(`esphil run: finished; the view stays at ${view.url} until Ctrl-C`);
    const { untilInterrupted } = await import('../view/live.ts');
    await untilInterrupted();
    await view.close();
  }
  return results.every((r) => r.status === 'pass') ? EXIT_OK : EXIT_FAILED;
}
