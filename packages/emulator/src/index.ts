// @esphil/emulator as a library: the same node the CLI runs, driven from a
// program. Load a scenario (or build the default node), create a world, power
// it on, subscribe to what the node does, run virtual time, act as the
// operator. packages/emulator/README.md ("Library") shows it end to end; every
// export here is part of the documented API.

// The world: one node (ESP8266 + ATmega168), its broker and network, in virtual time.
export { World, type RelayChange } from './world/world.ts';
export type { WorldConfig } from './world/config.ts';
export { defaultWorldConfig } from './world/defaults.ts';
export { worldConfigFor } from './world/resolve.ts';
export { createWorld, type CreateWorldOptions } from './create-world.ts';

// Scenarios: load (validated, with file:line:col errors), run, report.
export {
  loadScenario,
  parseScenario,
  runScenario,
  allReporters,
  HumanReporter,
  JsonReporter,
  junitXml,
  ScenarioLoadError,
  StepFailure,
  STEP_CLASSES,
  type Scenario,
  type NodeConfig,
  type Reporter,
  type ScenarioResult,
  type StepResult,
  type StepStatus,
  type JsonEvent,
} from './scenario/index.ts';

// Time: durations with units, instants since power-on (T+) and UTC.
export { parseDuration, formatDuration, formatVirtual, parseVirtual, formatUtc } from './scenario/duration.ts';

// What the node does, as events: relays, serial lines, MQTT packets, SPI transactions, pins, steps.
export type { TraceEvent, TraceKind, TraceEventOf, SpiEvent, PinEvent, RelaysEvent, MqttEvent, SerialEvent, StepEvent, NodeEvent } from './trace/events.ts';
export { TraceRecorder } from './trace/recorder.ts';
export { encodeTraceEvent, parseTrace, readTraceFile, JsonlTraceWriter } from './trace/jsonl.ts';

// Captures and replay.
export { readCaptureFile } from './capture/index.ts';
export { planReplay, runReplay, diffTimelines, parseTimeline, formatTimelineJson, formatTimelineText } from './replay/index.ts';

// Input a caller gave that cannot be used (a missing file, a bad flag or value).
export { UsageError } from './errors.ts';
