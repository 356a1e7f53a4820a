// esphil view <trace.jsonl|scenario.yaml>: one run in the browser, on one time
// axis (waveforms, MQTT, relays, serial, node events, steps). A scenario is run
// first, in virtual time, and then shown.
import { runScenario } from '../scenario/runner.ts';
import { readTraceFile } from '../trace/jsonl.ts';
import type { TraceEvent } from '../trace/events.ts';
import { staticFeed } from '../view/feed.ts';
import { startViewServer } from '../view/server.ts';
import { openInBrowser } from '../view/open-browser.ts';
import { untilInterrupted } from '../view/live.ts';
import { DEFAULT_VIEW_PORT } from '../view/port.ts';
import { defineCommand, parseCommand } from './flags.ts';
import { PORT_CHECK } from './view-flags.ts';
import { EXIT_OK, UsageError } from './errors.ts';
import { openScenarioWorld } from './scenario-world.ts';

export const command = defineCommand({
  name: 'view',
  args: '<trace.jsonl|scenario.yaml>',
  summary: 'the run in the browser: waveforms, MQTT, relays, serial, node events and steps on one time axis',
  flags: {
    port: { kind: 'number', arg: 'PORT', default: DEFAULT_VIEW_PORT, meaning: 'port of the page on 127.0.0.1; 0 lets the system choose (the URL is printed)', check: PORT_CHECK },
    open: { kind: 'boolean', meaning: "open the page in the desktop's browser" },
    'avr-hex': { kind: 'string', arg: 'F.hex', meaning: "run a scenario with this ATmega168 .hex instead of its firmware" },
  },
  notes: `a scenario is run first, in virtual time, then shown; serves until Ctrl-C (docs/view.md)
keys in the page: b/m/r/f next SPI byte, MQTT message, relay change, failed step (with shift: previous),
arrows pan, + - zoom, 0 whole run, z SCK edges at the cursor, c idle compression, t light/dark`,
});

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(command, argv);
  if (!parsed) return EXIT_OK;
  const { flags: values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('esphil view: name one trace (.jsonl) or scenario (.yaml); see esphil help view');
  const file = positionals[0]!;
  const port = values.port;
  const events = /\.ya?ml$/i.test(file) ? await runForView(file, values['avr-hex']) : readTrace(file);
  let server;
  try {
    server = await startViewServer(staticFeed(file, events), { port });
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`esphil view: cannot listen on 127.0.0.1:${port}: ${(e as Error).message}`);
  }
  console.log(`esphil view: ${file} (${events.length} events) at ${server.url}  (Ctrl-C stops)`);
  if (values.open) openInBrowser(server.url);
  await untilInterrupted();
  await server.close();
  return EXIT_OK;
}

function readTrace(file: string): TraceEvent[] {
  try {
    return readTraceFile(file);
  } catch (e) {
    // Unreadable file or a line that breaks the schema (TraceFormatError names file:line).
    throw new UsageError(`esphil view: ${(e as Error).message}`);
  }
}

/** Runs the scenario to its end and keeps every event; a failing scenario is shown too (its failed step marked). */
async function runForView(file: string, avrHex: string | undefined): Promise<TraceEvent[]> {
  const { scenario, world, recorders } = await openScenarioWorld(file, { avrHex });
  try {
    world.powerOn();
    const result = await runScenario(scenario, world, {});
    console.log(`esphil view: ran ${file}: ${result.status}${result.failure ? ` at step ${result.failure.index} (${result.failure.message})` : ''}`);
  } finally {
    await world.close();
    await recorders.close();
  }
  return [...recorders.trace!.events];
}
