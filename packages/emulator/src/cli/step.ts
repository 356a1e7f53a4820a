// esphil step <scenario.yaml|trace.jsonl>: the interactive SPI stepper, over a
// recorded trace or over a scenario that runs one step further whenever the
// stepper needs events it does not have yet.
import { runStepper, traceFileSource, type StepperSource } from '../stepper/index.ts';
import { TraceFormatError } from '../trace/jsonl.ts';
import { StepFailure } from '../scenario/errors.ts';
import type { PkiFolder } from '@esphil/broker';
import { PKI_FLAG, readPkiFlag } from './pki.ts';
import { defineCommand, parseCommand } from './flags.ts';
import { EXIT_FAILED, EXIT_OK, UsageError } from './errors.ts';
import { openScenarioWorld } from './scenario-world.ts';
import { FIRMWARE_FLAGS, GDB_FLAGS, checkFirmwareFlags, startGdb } from './gdb.ts';
import { AvrBreaks } from '../stepper/avr-breaks.ts';

export const command = defineCommand({
  name: 'step',
  args: '<scenario.yaml|trace.jsonl>',
  summary: "step through the SPI traffic between the ESP8266 and the ATmega168; type 'help' at the prompt",
  flags: {
    'avr-hex': { kind: 'string', arg: 'F.hex', meaning: "run this ATmega168 .hex instead of the scenario's firmware (scenarios only)" },
    ...FIRMWARE_FLAGS,
    ...GDB_FLAGS,
    pki: { ...PKI_FLAG, meaning: `${PKI_FLAG.meaning} (scenarios only)` },
  },
  notes: `commands can be piped: printf 'n\\nshow\\nq\\n' | esphil step trace.jsonl`,
});

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(command, argv);
  if (!parsed) return 0;
  const { flags: values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('esphil step: name one scenario (.yaml) or trace (.jsonl); see esphil help step');
  const file = positionals[0]!;
  const io = { input: process.stdin, output: process.stdout, isTTY: process.stdin.isTTY === true && process.stdout.isTTY === true };
  checkFirmwareFlags('step', values);
  if (/\.ya?ml$/i.test(file)) return stepScenario(file, values, readPkiFlag('step', values.pki), io);
  if (values['avr-elf'] || values.gdb !== undefined) throw new UsageError('esphil step: --avr-elf and --gdb need a scenario (a recorded trace runs no AVR)');
  let src: StepperSource;
  try {
    src = traceFileSource(file);
  } catch (e) {
    if (e instanceof TraceFormatError || (e as NodeJS.ErrnoException).code) throw new UsageError(`esphil step: ${(e as Error).message}`);
    throw e;
  }
  return runStepper(src, io);
}

type StepFlags = { 'avr-hex'?: string | undefined; 'avr-elf'?: string | undefined; gdb?: number | undefined; 'gdb-wait': boolean };

async function stepScenario(file: string, flags: StepFlags, pki: PkiFolder | undefined, io: Parameters<typeof runStepper>[1]): Promise<number> {
  const { scenario, world, recorders } = await openScenarioWorld(file, { avrHex: flags['avr-hex'], avrElf: flags['avr-elf'] }, pki);
  const trace = recorders.trace!;
  let gdb;
  try {
    gdb = await startGdb(world, 'step', flags, scenario.node.gdbPort);
  } catch (e) {
    await world.close();
    throw e;
  }
  let avrBreaks: AvrBreaks | null = null;
  world.powerOn();
  let next = 0;
  let failed = false;
  const src: StepperSource = {
    label: file,
    avrBreak: (spec) => {
      avrBreaks ??= new AvrBreaks(world, world.config.avrElf?.elf);
      const breaks = avrBreaks;
      const address = breaks.add(spec);
      return { address, where: breaks.describe(address), remove: () => breaks.remove(address) };
    },
    get events() {
      return trace.events;
    },
    // One scenario step per call; a failing step ends the scenario, as in `esphil run`.
    more: async () => {
      const step = scenario.steps[next];
      if (!step) return false;
      const index = ++next;
      const describe = step.describe();
      world.step({ index, step: describe, status: 'start', scenario: scenario.name });
      try {
        await step.run(world);
        world.step({ index, step: describe, status: 'pass', scenario: scenario.name });
      } catch (e) {
        world.step({ index, step: describe, status: 'fail', message: (e as Error).message, scenario: scenario.name });
        next = scenario.steps.length;
        failed = true;
        if (!(e instanceof StepFailure)) throw e;
      }
      return true;
    },
  };
  try {
    const code = await runStepper(src, io);
    // As `esphil run`: a scenario that failed while being stepped through exits 1.
    return code === EXIT_OK && failed ? EXIT_FAILED : code;
  } finally {
    gdb?.close();
    await world.close();
    await recorders.close();
  }
}
