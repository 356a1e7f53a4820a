// Scenario YAML, trace JSONL, captures (pcap, pcapng, JSONL recordings), expected
// timelines and the zone command under arbitrary input.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseZoneCommand, ZONE_COUNT } from '@esphil/esp-model';
import { parseScenario } from '../../src/scenario/loader.ts';
import { ScenarioLoadError } from '../../src/scenario/errors.ts';
import { parseTrace, TraceFormatError } from '../../src/trace/jsonl.ts';
import { CaptureError, readCapture } from '../../src/capture/index.ts';
import { parseTimeline, TimelineError } from '../../src/replay/timeline.ts';
import { FIXTURES } from '../../src/world/defaults.ts';
import { assertParser, bytesNear, runs, textNear } from '../../../../scripts/reliability/fuzz.ts';

const scenarios = join(FIXTURES, 'scenarios');
const captures = join(FIXTURES, 'captures');
const filesIn = (dir: string, ext: RegExp) => readdirSync(dir).filter((f) => ext.test(f)).map((f) => join(dir, f));

describe('fuzz: the emulator\'s input files', () => {
  it('scenario YAML: a scenario, or a ScenarioLoadError whose every issue is at fuzz.yaml:line:column', () => {
    const samples = filesIn(scenarios, /\.yaml$/).map((f) => readFileSync(f, 'utf8'));
    assertParser(textNear(samples), {
      parse: (t) => parseScenario(t, join(scenarios, 'fuzz.yaml')),
      ownError: (e) => e instanceof ScenarioLoadError && e.issues.length > 0 && e.issues.every((i) => i.line >= 1 && i.column >= 1 && i.message.startsWith(`${i.file}:${i.line}:${i.column}: `)),
      valid: (s) => expect((s as { steps: unknown[] }).steps.length).toBeGreaterThan(0),
    }, 200);
  });

  it('trace JSONL: events, or a TraceFormatError at fuzz.jsonl:line', () => {
    const sample = readFileSync(join(import.meta.dirname, 'trace-sample.jsonl'), 'utf8');
    assertParser(textNear([sample]), {
      parse: (t) => parseTrace(t, 'fuzz.jsonl'),
      ownError: (e) => e instanceof TraceFormatError && e.line >= 1 && e.message.startsWith(`fuzz.jsonl:${e.line}: `),
    });
  });

  it('captures: packets (with warnings), or a CaptureError naming fuzz.cap and where', () => {
    const samples = filesIn(captures, /\.(pcap|pcapng|jsonl)$/).map((f) => new Uint8Array(readFileSync(f)));
    assertParser(bytesNear(samples), {
      parse: (b) => readCapture(Buffer.from(b), 'fuzz.cap'),
      // pcap/pcapng name the record, block or header and the byte offset; JSON-lines recordings the line (fuzz.cap:N).
      ownError: (e) => e instanceof CaptureError && (e.location.where !== undefined || e.location.offset !== undefined || /^fuzz\.cap:\d+$/.test(e.location.file)),
      valid: (r) => {
        for (const w of (r as { warnings: { message: string }[] }).warnings) expect(w.message).toMatch(/^fuzz\.cap/);
      },
    }, 400);
  });

  it('expected timelines (replay --expect): changes, or a TimelineError at fuzz.jsonl:line', () => {
    const sample = '{"event":"relays","t":"0","on":[]}\n{"event":"relays","t":"150125000","on":[2]}\n{"event":"relays","t":"120150000000","on":[]}\n';
    const trace = readFileSync(join(import.meta.dirname, 'trace-sample.jsonl'), 'utf8');
    assertParser(textNear([sample, trace]), {
      parse: (t) => parseTimeline(t, 'fuzz.jsonl'),
      ownError: (e) => e instanceof TimelineError && e.line >= 1 && e.message.startsWith(`fuzz.jsonl:${e.line}: `),
    });
  });

  it('the zone command: any payload is "on" (zone < 8, seconds > 0), "off" (zone < 8) or ignored — never an exception', () => {
    const payload = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.tuple(fc.integer({ min: -20, max: 20 }), fc.integer(), fc.constantFrom(' ', '  ', '\t', ' x', '\0', '')).map(([z, s, sep]) => new Uint8Array(Buffer.from(`${z}${sep}${s}`))),
    );
    fc.assert(
      fc.property(payload, (p) => {
        const c = parseZoneCommand(p);
        if (c.action === 'on') {
          expect(c.zone).toBeLessThan(ZONE_COUNT);
          expect(c.seconds).toBeGreaterThan(0);
        } else if (c.action === 'off') expect(c.zone).toBeLessThan(ZONE_COUNT);
        else expect(c.why.length).toBeGreaterThan(0);
      }),
      runs(1000),
    );
  });
});
