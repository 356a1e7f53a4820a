import { describe, expect, it, vi } from 'vitest';
import { commandHelp, defineCommand, parseCommand } from './flags.ts';
import { UsageError, escapeControl } from '../errors.ts';

const demo = defineCommand({
  name: 'demo',
  args: '<file>',
  summary: 'a command for the tests',
  flags: {
    json: { kind: 'boolean', meaning: 'JSON lines' },
    port: { kind: 'number', arg: 'PORT', default: 8883, meaning: 'TCP port', check: { ok: (n: number) => Number.isInteger(n) && n >= 0 && n < 65536, want: 'a TCP port (0-65535)' } },
    settle: { kind: 'duration', arg: 'D', meaning: 'settle time' },
    tolerance: { kind: 'duration', arg: 'D', default: 1_000_000n, meaning: 'allowed difference' },
    topic: { kind: 'string', arg: 'F', multiple: true, meaning: 'topic filter', defaultText: 'all topics' },
    out: { kind: 'string', arg: 'F', meaning: 'output file' },
  },
  notes: 'exit 0: fine',
});

const fails = (argv: string[]) => {
  try {
    parseCommand(demo, argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`parsed ${argv.join(' ')}`);
};

describe('flag table', () => {
  it('parses typed values with their defaults', () => {
    const p = parseCommand(demo, ['f.yaml', '--port', '0', '--settle', '1min 30s', '--topic', 'a/#', '--topic=b', '--json'])!;
    expect(p.positionals).toEqual(['f.yaml']);
    expect(p.flags).toEqual({ json: true, port: 0, settle: 90_000_000_000n, tolerance: 1_000_000n, topic: ['a/#', 'b'], out: undefined });
    expect(parseCommand(demo, [])!.flags).toEqual({ json: false, port: 8883, settle: undefined, tolerance: 1_000_000n, topic: [], out: undefined });
  });

  it('rejects unknown flags with a suggestion, values that do not fit, and bare numbers as durations', () => {
    expect(fails(['--prot', '1'])).toBe('esphil demo: unknown flag --prot (did you mean --port?); see esphil help demo');
    expect(fails(['--zzzzzz'])).toBe('esphil demo: unknown flag --zzzzzz; see esphil help demo');
    expect(fails(['--port', '70000'])).toBe('esphil demo: --port "70000": want a TCP port (0-65535)');
    expect(fails(['--port', 'x'])).toBe('esphil demo: --port "x": not a number (want a TCP port (0-65535))');
    expect(fails(['--settle', '5'])).toMatch(/^esphil demo: --settle "5": duration "5" needs a unit after 5/);
    expect(fails(['--out'])).toBe('esphil demo: --out needs a value (F); see esphil help demo');
    expect(fails(['--json=yes'])).toBe('esphil demo: --json takes no value; see esphil help demo');
  });

  it('--help prints every flag with its meaning and default, and parses to null', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(parseCommand(demo, ['--help'])).toBeNull();
      expect(log).toHaveBeenCalledWith(commandHelp(demo));
    } finally {
      log.mockRestore();
    }
    expect(commandHelp(demo)).toBe(`usage: esphil demo <file> [flags]
  a command for the tests

flags:
  --json                  JSON lines
  --port PORT             TCP port (default: 8883)
  --settle D              settle time
  --tolerance D           allowed difference (default: 1ms)
  --topic F (repeatable)  topic filter (default: all topics)
  --out F                 output file
  -h, --help              show this help

exit 0: fine`);
  });
});

describe('escapeControl', () => {
  it('escapes control characters and undecodable bytes, keeps text, newlines and tabs', () => {
    expect(escapeControl('a\u0000b\u001b[2Jc\td\ne\ufffdf\u00e9 \ud83d\ude00')).toBe('a\\x00b\\x1b[2Jc\td\ne\\ufffdf\u00e9 \ud83d\ude00');
    expect(escapeControl('x\ud800y')).toBe('x\\ud800y');
  });
});
