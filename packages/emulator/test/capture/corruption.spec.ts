// Any damage to a capture ends in a CaptureError or a result with warnings,
// never in another exception (a Buffer read out of range, a TypeError).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CaptureError } from '../../src/capture/errors.ts';
import { readCapture } from '../../src/capture/read.ts';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../../../fixtures/captures/${name}`, import.meta.url)));

/** xorshift32: the same damage on every run. */
function rng(seed: number) {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function outcome(buf: Buffer): string {
  try {
    readCapture(buf, 'damaged');
    return 'read';
  } catch (e) {
    if (e instanceof CaptureError) return 'error';
    throw new Error(`not a CaptureError: ${(e as Error).stack}`);
  }
}

describe.each(['zone-1883.pcap', 'zone-1883.pcapng', 'zone-1883.jsonl'])('damaged %s', (name) => {
  const good = fixture(name);
  it('every truncation reads or fails with a CaptureError', () => {
    const seen = new Set<string>();
    for (let len = 0; len < good.length; len += 5) seen.add(outcome(good.subarray(0, len)));
    expect([...seen].sort()).toEqual(['error', 'read']); // cut headers fail, cut records are warnings
  });
  it('random byte damage reads or fails with a CaptureError', () => {
    const r = rng(0x5eed + name.length);
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const bad = Buffer.from(good);
      const n = 1 + Math.floor(r() * 4);
      for (let k = 0; k < n; k++) bad[Math.floor(r() * bad.length)] = Math.floor(r() * 256);
      seen.add(outcome(bad));
    }
    expect([...seen].sort()).toEqual(['error', 'read']);
  });
});
