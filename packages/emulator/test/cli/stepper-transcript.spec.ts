// docs/stepper.md's example session is a real `esphil step` run on a shipped
// scenario, fed its commands on stdin. The world runs in virtual time, so the
// transcript is the same on every machine: any difference means the stepper's
// output changed and the guide must follow (ESPHIL_UPDATE_DOCS=1 rewrites it).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { taggedBlock, updateBlock } from '../../../../test/markdown.ts';
import { REPO_ROOT } from '../../src/world/defaults.ts';
import { esphil } from './cli.ts';

const GUIDE = join(REPO_ROOT, 'packages/emulator/docs/stepper.md');
const SCENARIO = 'fixtures/scenarios/zone-on-off.yaml';
/** The commands the guide explains: transaction, byte and edge steps both ways, goto, search, a breakpoint, show. */
const COMMANDS = ['n', 'nb', 'ne', 'ne', 'pe', 'goto T+1min', 'search PINGREQ', 'break zone any', 'c', 'show', 'q'];

describe('docs/stepper.md example session', () => {
  it('is what esphil step prints for those commands', async () => {
    const input = COMMANDS.map((c) => `${c}\n`).join('');
    const r = await esphil(['step', SCENARIO], { input });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(`step> ${c}\n`);
    const transcript = `$ printf '${input.replaceAll('\n', '\\n')}' | pnpm -s esphil step ${SCENARIO}\n${r.stdout}`;
    const shown = taggedBlock(GUIDE, 'text', 'stepper-transcript');
    if (!updateBlock(shown, transcript)) expect(shown.body.trimEnd(), 'docs/stepper.md shows an old session: rerun with ESPHIL_UPDATE_DOCS=1').toBe(transcript.trimEnd());
  }, 120_000);
});
