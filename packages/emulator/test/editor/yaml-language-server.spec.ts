// The scenario schema in the editor tool itself: Red Hat's YAML language server (what
// VS Code's YAML extension, Neovim, Helix and Zed run) finds it through each file's
// yaml-language-server line, reports nothing on the shipped scenarios, reports a broken
// one where the loader would, and completes step keywords with their descriptions.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { describe, expect, it } from 'vitest';
import { getLanguageService, type LanguageService } from 'yaml-language-server';
import { scenarioFiles } from '../../src/cli/select.ts';
import { STEP_CLASSES } from '../../src/scenario/steps/index.ts';
import { WATCH_PARAMS } from '../../src/scenario/steps/watch.ts';
import { FIXTURES } from '../../src/world/defaults.ts';

function languageServer(): LanguageService {
  const ls = getLanguageService({
    schemaRequestService: (uri: string) => readFile(fileURLToPath(uri), 'utf8'),
    workspaceContext: { resolveRelativePath: (relative: string, resource: string) => new URL(relative, resource).toString() },
  });
  ls.configure({ validate: true, completion: true, hover: true, isKubernetes: false });
  return ls;
}

let version = 0;
/** A document the server has not seen (it caches results by URI and version). */
const open = (file: string, text: string) => TextDocument.create(pathToFileURL(file).toString(), 'yaml', ++version, text);
const where = (text: string, needle: string) => {
  const line = text.split('\n').findIndex((l) => l.includes(needle));
  return { line, character: text.split('\n')[line]!.indexOf(needle) };
};

describe('the scenario schema in the YAML language server', () => {
  const ls = languageServer();

  it('reports no problem in any shipped scenario', async () => {
    for (const file of scenarioFiles([join(FIXTURES, 'scenarios')])) {
      const problems = await ls.doValidation(open(file, readFileSync(file, 'utf8')), false);
      expect(problems.map((p) => `${file}:${p.range.start.line + 1}: ${p.message}`)).toEqual([]);
    }
  });

  it('reports a broken scenario at the lines the loader would', async () => {
    const file = join(FIXTURES, 'scenarios', 'broken.yaml');
    const text = [
      '# yaml-language-server: $schema=../../packages/emulator/schema/scenario.schema.json',
      'name: broken',
      'steps:',
      '  - delay: 5',
      '  - delay: 5x',
      '  - wait-relay: none',
      '  - wait-relays: {zones: [9], timout: 1s}',
      '  - wifi',
      '  - publish: {topic: "a/#", payload: x}',
      '',
    ].join('\n');
    const problems = (await ls.doValidation(open(file, text), false)).map((p) => [p.range.start.line + 1, p.message] as const);
    const at = (line: number) => problems.filter(([l]) => l === line).map(([, m]) => m);
    expect(at(4)).toEqual(['Incorrect type. Expected "string".']);
    expect(at(5)).toEqual(['a duration is a number and a unit (ns us ms s min h d), e.g. 5s, 250ms, 1h 30min: units largest first, each once']);
    expect(at(6)).toContain('Property wait-relay is not allowed.');
    expect(at(7)).toEqual(['Value is above the maximum of 7.', 'Property timout is not allowed.']);
    expect(at(8)).toEqual(['Value is not accepted. Valid values: "avr-reset", "esp-reset".']);
    expect(at(9)).toEqual(['a topic name: not empty, without + or #']);
  });

  it('completes step keywords and shows what a step does on hover', async () => {
    const file = join(FIXTURES, 'scenarios', 'typing.yaml');
    const text = '# yaml-language-server: $schema=../../packages/emulator/schema/scenario.schema.json\nname: typing\nsteps:\n  - delay: 5s\n  - wait-serial: {match: x, timeout: 5s}\n  - \n';
    const doc = open(file, text);
    const completion = await ls.doComplete(doc, { line: 5, character: 4 }, false);
    expect(completion.items.map((i) => i.label).sort()).toEqual([...STEP_CLASSES.keys(), 'name'].sort());
    const hover = await ls.doHover(doc, where(text, 'delay'));
    expect(JSON.stringify(hover?.contents)).toContain(STEP_CLASSES.get('delay')!.doc);
    const param = await ls.doHover(doc, where(text, 'timeout'));
    expect(JSON.stringify(param?.contents)).toContain(WATCH_PARAMS.timeout!.doc);
  });
});
