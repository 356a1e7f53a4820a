// JUnit XML for CI systems: one <testsuite> per scenario file, one <testcase> per
// step, so a CI page shows which step failed. Elements and attributes are those of
// the common schema (Jenkins/xunit junit-10.xsd; reporters.spec.ts checks them):
// steps after a failure are <skipped/>, StepFailure is <failure>, a world error <error>.
import { hostname } from 'node:os';
import { basename, extname } from 'node:path';
import { formatVirtual } from '../duration.ts';
import type { ScenarioResult, StepResult } from '../runner.ts';
import { wallMs } from '../wall-clock.ts';
import { countSteps } from './json.ts';

export interface JunitOptions {
  /** Name of the <testsuites> root. */
  name?: string;
  /** Wall-clock time the run started (the <testsuite timestamp>). */
  timestamp?: Date;
  hostname?: string;
}

export function junitXml(results: readonly ScenarioResult[], opts: JunitOptions = {}): string {
  const stamp = (opts.timestamp ?? new Date(wallMs())).toISOString().slice(0, 19); // xs:dateTime without zone, as junit-10.xsd's pattern
  const host = opts.hostname ?? hostname();
  const total = { tests: 0, failures: 0, errors: 0, time: 0 };
  const suites = results.map((r, id) => {
    const n = countSteps(r);
    total.tests += r.steps.length;
    total.failures += n.fail;
    total.errors += n.error;
    total.time += r.wallMs;
    const classname = basename(r.file, extname(r.file));
    const props = [
      ['file', r.file],
      ['virtual-start', formatVirtual(r.startNs)],
      ['virtual-end', formatVirtual(r.endNs)],
      ['virtual-start-ns', String(r.startNs)],
      ['virtual-end-ns', String(r.endNs)],
    ]
      .map(([k, v]) => `      <property name="${esc(k!)}" value="${esc(v!)}"/>\n`)
      .join('');
    const cases = r.steps.map((s) => testcase(s, classname)).join('');
    return (
      `  <testsuite name="${esc(r.name)}" tests="${r.steps.length}" failures="${n.fail}" errors="${n.error}" skipped="${n.skipped}"` +
      ` time="${secs(r.wallMs)}" timestamp="${stamp}" hostname="${esc(host)}" id="${id}" package="${esc(classname)}" file="${esc(r.file)}">\n` +
      `    <properties>\n${props}    </properties>\n${cases}  </testsuite>\n`
    );
  });
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="${esc(opts.name ?? 'esphil')}" tests="${total.tests}" failures="${total.failures}" errors="${total.errors}" time="${secs(total.time)}">\n` +
    suites.join('') +
    '</testsuites>\n'
  );
}

function testcase(s: StepResult, classname: string): string {
  const name = `${String(s.index).padStart(2, '0')} ${s.step}${s.label !== undefined ? ` (${s.label})` : ''}`;
  const open = `    <testcase name="${esc(name)}" classname="${esc(classname)}" time="${secs(s.wallMs)}"`;
  const when = s.startNs !== undefined ? `virtual ${formatVirtual(s.startNs)} .. ${formatVirtual(s.endNs ?? s.startNs)}, ` : '';
  const out = `      <system-out>${esc(`${when}${s.at}`)}</system-out>\n`;
  switch (s.status) {
    case 'pass':
      return `${open}>\n${out}    </testcase>\n`;
    case 'skipped':
      return `${open}>\n      <skipped message="not run: an earlier step failed"/>\n${out}    </testcase>\n`;
    case 'fail':
    case 'error': {
      const msg = s.message ?? '';
      const tag = s.status === 'fail' ? 'failure' : 'error';
      const type = s.status === 'fail' ? 'StepFailure' : 'WorldError';
      return `${open}>\n      <${tag} message="${esc(msg.split('\n')[0]!)}" type="${type}">${esc(msg)}</${tag}>\n${out}    </testcase>\n`;
    }
  }
}

function secs(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** XML 1.0 attribute/text escaping; characters XML 1.0 cannot hold at all become U+FFFD. */
export function esc(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;');
}
