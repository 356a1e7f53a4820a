// Inputs that would run forever or replay nothing are refused before the node boots.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../src/world/defaults.ts';
import { esphil } from './cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'esphil-refusals-'));
const captures = join(FIXTURES, 'captures');

describe('esphil run --max-virtual', () => {
  it('refuses (exit 2) a scenario whose steps add up to more than 20 years, naming the step; a lower limit refuses sooner', async () => {
    const long = join(dir, 'long.yaml');
    writeFileSync(long, 'name: long\nsteps:\n  - delay: 1s\n  - delay: 100000d\n');
    const r = await esphil(['run', long], { timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`${long}:4:5: delay: the scenario can take 100000d 1s of virtual time by the end of this step, more than --max-virtual 7305d`);
    expect(r.stdout).toBe('');
    const zone = join(FIXTURES, 'scenarios', 'zone-on-off.yaml');
    const short = await esphil(['run', zone, '--max-virtual', '10s'], { timeoutMs: 60_000 });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(new RegExp(`^${zone}:\\d+:\\d+: [a-z-]+: the scenario can take .* more than --max-virtual 10s\\n$`));
  }, 120_000);
});

describe('esphil replay refuses what would replay nothing, or too little', () => {
  it('exits 1 when no operator command is left; --lenient replays anyway', async () => {
    const none = await esphil(['replay', join(captures, 'zone-1883.pcap'), '--topic', 'no/such/topic'], { timeoutMs: 60_000 });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('zone-1883.pcap: no operator command to replay (PUBLISHes left out: ');
    expect(none.stderr).toContain('3 on other topics');
    const lenient = await esphil(['replay', join(captures, 'zone-1883.pcap'), '--topic', 'no/such/topic', '--lenient', '--settle', '1s'], { timeoutMs: 120_000 });
    expect(lenient.stderr).toBe('');
    expect(lenient.code).toBe(0);
  }, 240_000);

  it('exits 1 when a client→broker stream lost bytes (a command may be missing); a cut record elsewhere is only a warning', async () => {
    const lost = await esphil(['replay', join(captures, 'broken-garbage-in-stream.pcap')], { timeoutMs: 60_000 });
    expect(lost.code).toBe(1);
    expect(lost.stderr).toMatch(/client→broker stream\(s\) lost bytes, so a command may be missing/);
    expect(lost.stderr).toMatch(/frame 32: connection \d+ .*\(client→server\): MQTT packet 2 at stream byte \d+/);
  }, 120_000);
});
