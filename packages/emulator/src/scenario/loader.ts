// Scenario files: a YAML mapping with `name`, optional `description` and `node`,
// and `steps`. Loading validates everything and reports every problem found, each
// as file:line:column, so a broken scenario never starts a world.
import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, parseDocument, type Node, type Pair } from 'yaml';
import { ScenarioIssue, ScenarioLoadError } from './errors.ts';
import { readNodeConfig, type NodeConfig } from './node-config.ts';
import { defined, TEXT, type ParamSpec } from './param-spec.ts';
import { closest, Params } from './params.ts';
import { SourceFile, Where } from './source.ts';
import type { Step } from './step.ts';
import { STEP_CLASSES } from './steps/index.ts';

export interface Scenario {
  /** The file as given to the loader. */
  file: string;
  name: string;
  description?: string;
  node: NodeConfig;
  steps: Step[];
}

/** The keys of a scenario file; `node` and `steps` are read by their own code. */
export const SCENARIO_SPEC: ParamSpec = {
  params: {
    name: { type: TEXT, doc: 'Names the scenario in reports (JUnit <testsuite name>).', required: true },
    description: { type: TEXT, doc: 'Free text: what the scenario shows.' },
    node: { type: defined('node'), doc: 'How the world is built; every key is optional.' },
    steps: { type: defined('steps'), doc: 'What happens, in order: a non-empty list of steps.', required: true },
  },
};

export async function loadScenario(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ScenarioLoadError([new ScenarioIssue(file, 1, 1, `cannot read scenario: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)]);
  }
  return parseScenario(text, file);
}

/** Parses scenario text; `file` names it in errors and anchors relative paths. */
export function parseScenario(text: string, file: string): Scenario {
  const src = new SourceFile(file);
  const doc = parseDocument(text, { lineCounter: src.lines, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    // One syntax slip makes the YAML parser report every token after it; the first is the one to fix.
    const pos = src.lines.linePos(first.pos[0]);
    const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more YAML error${doc.errors.length > 2 ? 's' : ''} after it)` : '';
    const message = first.message.split('\n')[0]!;
    const hint = /flow/i.test(message) ? '; inside {...} or [...], quote values that hold { } [ ] , or ": "' : '';
    throw new ScenarioLoadError([new ScenarioIssue(file, pos.line, pos.col, `YAML: ${message}${hint}${more}`)]);
  }

  const issues: ScenarioIssue[] = [];
  const attempt = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof ScenarioIssue)) throw e;
      issues.push(e);
      return undefined;
    }
  };

  const root = doc.contents as Node | null;
  if (!isMap(root)) throw new ScenarioLoadError([src.issue(root, 'a scenario is a mapping with name, steps and optionally description and node')]);
  // Reading the keys can already fail (a key that is not a plain string, e.g. `? [a]: 1`).
  const top = attempt(() => new Params(root, new Where(src, 'scenario', root), undefined, SCENARIO_SPEC));
  if (!top) throw new ScenarioLoadError(issues);
  const name = attempt(() => top.string('name'));
  const description = attempt(() => top.optString('description'));
  const node = attempt(() => readNodeConfig(top.node('node'), src, (issue) => issues.push(issue))) ?? { certs: {} };
  const steps = attempt(() => readSteps(top.node('steps'), src, root, attempt)) ?? [];
  for (const key of Object.keys(SCENARIO_SPEC.params)) top.has(key);
  attempt(() => top.done());

  if (issues.length) throw new ScenarioLoadError(issues.sort((a, b) => a.line - b.line || a.column - b.column));
  return { file, name: name!, ...(description !== undefined && { description }), node, steps };
}

function readSteps(node: Node | null, src: SourceFile, root: Node, attempt: <T>(f: () => T) => T | undefined): Step[] {
  if (node === null) throw src.issue(root, 'scenario: missing required key "steps"');
  if (!isSeq(node) || node.items.length === 0) throw src.issue(node, 'steps: expected a non-empty list of steps');
  const steps: Step[] = [];
  node.items.forEach((item, i) => {
    const step = attempt(() => readStep(item as Node, i + 1, src));
    if (step) steps.push(step);
  });
  return steps;
}

const keyName = (pair: Pair): string => (isScalar(pair.key) ? String(pair.key.value) : '?');

/** `- avr-reset`, `- delay: 5s`, or `- publish: {...}` with an optional `name:` beside it. */
function readStep(item: Node, index: number, src: SourceFile): Step {
  if (isScalar(item) && typeof item.value === 'string') return buildStep(item, null, index, src);
  if (!isMap(item)) throw src.issue(item, `step ${index}: expected a step like "- delay: 5s" or "- avr-reset"`);
  const pairs = item.items as Pair[];
  const keys = pairs.filter((pair) => keyName(pair) !== 'name');
  const keywords = keys.filter((pair) => STEP_CLASSES.has(keyName(pair)));
  const stray = keys.find((pair) => !keywords.includes(pair));
  if (keywords.length === 1 && stray) {
    const kw = keyName(keywords[0]!);
    throw src.issue(stray, `step ${index} (${kw}): "${keyName(stray)}" beside the step keyword: parameters go inside ${kw}'s mapping, and only name: may stand beside it`);
  }
  if (keys.length !== 1) {
    const what = keys.length === 0 ? 'no step keyword' : `${keys.length} step keywords (${keys.map(keyName).join(', ')})`;
    throw src.issue(keys[1] ?? item, `step ${index}: expected one step keyword per list item, found ${what}`);
  }
  const step = buildStep(keys[0]!.key as Node, keys[0]!.value as Node | null, index, src);
  const labelPair = pairs.find((pair) => keyName(pair) === 'name');
  if (labelPair) {
    const v = labelPair.value as Node | null;
    if (!isScalar(v) || typeof v.value !== 'string') throw src.issue(v ?? labelPair, `step ${index}: name: expected a string`);
    step.label = v.value;
  }
  return step;
}

function buildStep(keyNode: Node, value: Node | null, index: number, src: SourceFile): Step {
  const keyword = isScalar(keyNode) ? String(keyNode.value) : '?';
  const cls = STEP_CLASSES.get(keyword);
  if (!cls) {
    const guess = closest(keyword, [...STEP_CLASSES.keys()]);
    throw src.issue(keyNode, `step ${index}: unknown step "${keyword}"${guess ? ` (did you mean ${guess}?)` : ''} (steps: ${[...STEP_CLASSES.keys()].join(', ')})`);
  }
  const where = Where.step(src, index, keyword, keyNode);
  return cls.validate(new Params(value, where, cls.shorthand, cls.spec), where);
}
