// The scenario language: load (validate) a YAML scenario, run it in a world through
// ScenarioContext, report it. docs/scenarios.md describes the language.
export type { ScenarioContext } from './context.ts';
export { parseDuration, formatDuration, formatVirtual, DURATION_UNITS } from './duration.ts';
export { ScenarioIssue, ScenarioLoadError, StepFailure } from './errors.ts';
export { loadScenario, parseScenario, type Scenario } from './loader.ts';
export { readNodeConfig, describeNode, type NodeConfig, type NodeCerts, type AvrHexChoice } from './node-config.ts';
export { runScenario, scenarioBudgetNs, allReporters, type Reporter, type ScenarioResult, type StepResult, type StepStatus } from './runner.ts';
export type { Step, StepClass } from './step.ts';
export { STEP_CLASSES } from './steps/index.ts';
export { parseUtc } from './utc.ts';
export { HumanReporter, stamp } from './reporters/human.ts';
export { JsonReporter, type JsonEvent } from './reporters/json.ts';
export { junitXml, type JunitOptions } from './reporters/junit.ts';
export { ProgressBar } from './reporters/progress.ts';
export { wantsColor, type Output } from './reporters/output.ts';
