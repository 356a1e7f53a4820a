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
import { PKI_FLAG, readPkiFlag } from './pki.ts';
import { defineCommand, parseCommand } from './flags.ts';
import { EXIT_FAILED, EXIT_OK, UsageError, unusable } from './errors.ts';
import { openRecorders } from './recorders.ts';

const nonNegative = { ok: (ns: bigint) => ns >= 0n, want: 'a duration >= 0s' };

export const command = defineCommand({
  name: 'replay',
  args: '<capture.pcap|capture.pcapng|capture.jsonl>',
  summary: 'replay captured operator commands against the node and print the relay timeline',
  flags: {
    json: { kind: 'boolean', meaning: 'print the relay timeline as {"event":"relays","t":"<ns>","on":[...]} lines (t: since the node subscribed)' },
    speed: { kind: 'number', arg: 'N', default: 1, meaning: 'divide the gaps between commands by N', check: { ok: (n: number) => n > 0, want: 'a number above 0' } },
    from: { kind: 'duration', arg: 'D', meaning: 'only commands captured D after the capture start or later (e.g. 90s)', check: nonNegative, defaultText: 'the capture start' },
    to: { kind: 'duration', arg: 'D', meaning: 'only commands captured before D after the capture start', check: nonNegative, defaultText: 'the capture end' },
    topic: { kind: 'string', arg: 'FILTER', multiple: true, meaning: 'replay only PUBLISHes matching this MQTT topic filter', defaultText: "the node's three topics" },
    scenario: { kind: 'string', arg: 'F.yaml', meaning: 'run this scenario first to set the node up (its node: section builds the node)' },
    expect: { kind: 'string', arg: 'F.jsonl', meaning: 'compare the timeline with an expected one (or an earlier recording/trace); exit 1 on difference' },
    tolerance: { kind: 'duration', arg: 'D', default: 1_000_000n, meaning: 'allowed time difference per relay change for --expect', check: nonNegative },
    settle: { kind: 'duration', arg: 'D', meaning: 'after the last command run exactly D of virtual time', check: nonNegative, defaultText: 'until every zone timer has expired' },
    'avr-hex': { kind: 'string', arg: 'F.hex', meaning: 'run this ATmega168 .hex instead of the bundled firmware' },
    pki: PKI_FLAG,
    trace: { kind: 'string', arg: 'F.jsonl', meaning: 'record the replay as a JSONL trace, as esphil run does' },
    vcd: { kind: 'string', arg: 'F.vcd', meaning: 'record the replay as a VCD, as esphil run does' },
    pcap: { kind: 'string', arg: 'F.pcap', meaning: 'record the replay as a pcap, as esphil run does' },
    lenient: { kind: 'boolean', meaning: 'replay even a capture with no command to replay, or whose client→broker bytes had gaps' },
  },
  notes: 'durations need a unit: 250ms, 5s, 2min, 1h 30min\nexit 0: replayed (and matched --expect); 1: the timeline differs, the set-up scenario failed, or (without --lenient)\nthe capture has no command to replay or lost client→broker bytes; 2: unusable input',
});

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(command, argv);
  if (!parsed) return EXIT_OK;
  const { flags: values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('esphil replay: name one capture file; see esphil help replay');
  const file = positionals[0]!;
  const { speed } = values;
  const pki = readPkiFlag('replay', values.pki);

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
    plan = planReplay(capture, { speed, fromNs: values.from, toNs: values.to, ...(values.topic.length ? { topics: values.topic } : {}) });
  } catch (e) {
    throw new UsageError(`esphil replay: ${(e as Error).message}`);
  }
  if (!values.lenient) {
    const lost = capture.warnings.filter((w) => w.lostToBroker);
    if (lost.length) {
      console.error(`esphil replay: ${file}: ${lost.length} client→broker stream(s) lost bytes, so a command may be missing (--lenient replays what is left):`);
      for (const w of lost) console.error(`  ${w.message}`);
      return EXIT_FAILED;
    }
    if (plan.commands.length === 0) {
      const k = plan.skipped;
      const left = `${k.fromNode} from the node, ${k.deliveries} broker deliveries, ${k.otherTopics} on other topics, ${k.outsideWindow} outside --from/--to`;
      console.error(`esphil replay: ${file}: no operator command to replay (PUBLISHes left out: ${left}); --lenient runs anyway`);
      return EXIT_FAILED;
    }
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

  const json = values.json;
  const log = (text: string) => {
    if (!json) console.log(text);
  };
  log(`esphil replay: ${plan.commands.length} command(s) from ${file} (${capture.format}, ${capture.packets.length} MQTT packets)`);
  const world = await unusable('esphil replay: cannot build the node', () => World.create(worldConfigFor(setup?.node ?? { certs: {} }, { avrHex: values['avr-hex'], pki })));
  world.keepHistory(false); // no scenario step will ask for serial lines or PUBLISHes
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
      ...(values.settle !== undefined ? { settle: values.settle } : {}),
      onCommand: (c, i, t) => log(`[${formatVirtual(t)}] command ${i + 1}/${plan.commands.length} (${c.where}): ${c.topic} ${JSON.stringify(c.payload.toString('utf8'))}`),
    });
    if (json) for (const c of result.timeline) console.log(formatTimelineJson(c));
    else log(`relay timeline (time since the node subscribed):\n${formatTimelineText(result.timeline)}`);
    if (expected) {
      const diff = diffTimelines(expected, result.timeline, { toleranceNs: values.tolerance, expectedName: values.expect });
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
