// esphil replay <capture>: boot the node, wait until it has subscribed, then
// re-publish the captured operator commands at their original relative times
// in virtual time, and print what the relays did.
import { formatVirtual } from '../scenario/duration.ts';
import { readFileSync } from 'node:fs';
import { readCaptureFile, CaptureError } from '../capture/index.ts';
import { planReplay, runReplay, diffTimelines, formatTimelineJson, formatTimelineText, parseTimeline, TimelineError, type ReplayWorld } from '../replay/index.ts';
import { loadScenario, type Scenario } from '../scenario/loader.ts';
import { ScenarioLoadError } from '../scenario/errors.ts';
import { runScenario } from '../scenario/runner.ts';
import { HumanReporter } from '../scenario/reporters/human.ts';
import { World } from '../world/world.ts';
import { worldConfigFor } from '../world/resolve.ts';
import { parseFlags, numberFlag } from './args.ts';
import { EXIT_FAILED, EXIT_OK, UsageError, unusable } from './errors.ts';
import { openRecorders } from './recorders.ts';

const HELP = `usage: esphil replay <capture.pcap|capture.pcapng|capture.jsonl> [options]
  --json            relay timeline as {"event":"relays","t":s,"on":[...]} lines (t: seconds after the node subscribed)
  --speed N         divide the gaps between commands by N (default 1)
  --from S, --to S  only commands captured S seconds after the capture start or later / before
  --topic F         replay only PUBLISHes matching this MQTT filter (repeatable; default the node's three topics)
  --scenario F      run this scenario first to set the node up (its node: section builds the node)
  --expect F.jsonl  compare the timeline with an expected one (or an earlier recording/trace); exit 1 on difference
  --tolerance S     allowed time difference per relay change for --expect (default 0.001)
  --settle S        after the last command run exactly S seconds (default: until every zone timer has expired)
  --avr-hex F       run this ATmega168 .hex instead of the bundled firmware
  --trace F, --vcd F, --pcap F   record the replay as esphil run does`;

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('replay', argv, {
    json: { type: 'boolean' },
    speed: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    topic: { type: 'string', multiple: true },
    scenario: { type: 'string' },
    expect: { type: 'string' },
    tolerance: { type: 'string' },
    settle: { type: 'string' },
    'avr-hex': { type: 'string' },
    trace: { type: 'string' },
    vcd: { type: 'string' },
    pcap: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError(`esphil replay: name one capture file\n${HELP}`);
  const file = positionals[0]!;
  const positive = (n: number) => n > 0;
  const nonNegative = (n: number) => n >= 0;
  const speed = numberFlag('replay', 'speed', values.speed, 1, positive, 'a number above 0');
  const fromS = values.from === undefined ? undefined : numberFlag('replay', 'from', values.from, 0, nonNegative, 'a number of seconds >= 0');
  const toS = values.to === undefined ? undefined : numberFlag('replay', 'to', values.to, 0, nonNegative, 'a number of seconds >= 0');
  const toleranceS = numberFlag('replay', 'tolerance', values.tolerance, 0.001, nonNegative, 'a number of seconds >= 0');
  const settleS = values.settle === undefined ? undefined : numberFlag('replay', 'settle', values.settle, 0, nonNegative, 'a number of seconds >= 0');

  let capture;
  try {
    capture = readCaptureFile(file);
  } catch (e) {
    if (e instanceof CaptureError || (e as NodeJS.ErrnoException).code) throw new UsageError(`esphil replay: ${(e as Error).message}`);
    throw e;
  }
  for (const w of capture.warnings) console.error(`warning: ${w.message}`);
  let plan;
  try {
    plan = planReplay(capture, { speed, fromS, toS, ...(values.topic ? { topics: values.topic } : {}) });
  } catch (e) {
    throw new UsageError(`esphil replay: ${(e as Error).message}`);
  }
  let expected;
  if (values.expect) {
    try {
      expected = parseTimeline(readFileSync(values.expect, 'utf8'), values.expect);
    } catch (e) {
      if (e instanceof TimelineError || (e as NodeJS.ErrnoException).code) throw new UsageError(`esphil replay: ${(e as Error).message}`);
      throw e;
    }
  }
  let setup: Scenario | undefined;
  if (values.scenario) {
    try {
      setup = await loadScenario(values.scenario);
    } catch (e) {
      if (e instanceof ScenarioLoadError) throw new UsageError(e.message);
      throw e;
    }
  }

  const json = values.json ?? false;
  const log = (text: string) => {
    if (!json) console.log(text);
  };
  log(`esphil replay: ${plan.commands.length} command(s) from ${file} (${capture.format}, ${capture.packets.length} MQTT packets)`);
  const world = await unusable('esphil replay: cannot build the node', () => World.create(worldConfigFor(setup?.node ?? { certs: {} }, { avrHex: values['avr-hex'] })));
  const recorders = openRecorders(world, { trace: values.trace, vcd: values.vcd, pcap: values.pcap });
  try {
    world.powerOn();
    if (setup) {
      const r = await runScenario(setup, world, new HumanReporter(json ? { write: (t: string) => process.stderr.write(t) } : process.stdout));
      if (r.status !== 'pass') {
        console.error(`esphil replay: set-up scenario ${setup.file} failed: ${r.failure?.message}`);
        return EXIT_FAILED;
      }
    }
    const replayWorld: ReplayWorld = {
      nowNs: () => world.nowNs(),
      waitUntilSubscribed: async (timeoutNs) => {
        if (!(await world.runUntil(() => world.nodeSubscribed(), timeoutNs))) {
          throw new Error(`the node did not subscribe within ${timeoutNs / 1_000_000_000n} s of virtual time`);
        }
      },
      runUntil: (t) => world.runTo(t).then(() => undefined),
      publish: (topic, payload, o) => world.publish(topic, payload, o),
      onRelays: (cb) => world.onRelays(cb),
    };
    const result = await runReplay(replayWorld, plan, {
      ...(settleS !== undefined ? { settle: BigInt(Math.round(settleS * 1e9)) } : {}),
      onCommand: (c, i, t) => log(`[${formatVirtual(t)}] command ${i + 1}/${plan.commands.length} (${c.where}): ${c.topic} ${JSON.stringify(c.payload.toString('utf8'))}`),
    });
    if (json) for (const c of result.timeline) console.log(formatTimelineJson(c));
    else log(`relay timeline (seconds after the node subscribed):\n${formatTimelineText(result.timeline)}`);
    if (expected) {
      const diff = diffTimelines(expected, result.timeline, { toleranceS, expectedName: values.expect });
      if (!diff.equal) {
        process.stderr.write(diff.text);
        return EXIT_FAILED;
      }
      log(`timeline matches ${values.expect}`);
    }
    return EXIT_OK;
  } finally {
    await world.close();
    await recorders.close();
  }
}
