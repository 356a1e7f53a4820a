// Relay zone sets as written in scenarios: `[2]`, `[0, 3]`, `2`, `none` or `[]`.
import { isScalar, isSeq, type Node } from 'yaml';
import type { JsonSchema } from '../param-spec.ts';
import type { Params } from '../params.ts';

/** The relay board has eight zones, PD0..PD7 (docs/architecture.md, ATmega168 slave). */
export const ZONES = 8;

const ZONE: JsonSchema = { type: 'integer', minimum: 0, maximum: ZONES - 1 };
/** readZones' forms, for the scenario JSON Schema. */
export const ZONES_SCHEMA: JsonSchema = {
  anyOf: [{ const: 'none' }, ZONE, { type: 'array', items: ZONE, uniqueItems: true }],
};

export function readZones(p: Params, key: string): number[] {
  const n = p.node(key);
  if (n === null) return p.where.fail(null, `missing required parameter "${key}"`);
  if (isScalar(n) && n.value === 'none') return [];
  const items = isSeq(n) ? n.items : [n];
  const zones: number[] = [];
  for (const item of items) {
    const v = isScalar(item) ? item.value : undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= ZONES) {
      p.where.fail(item as Node, `${key}: expected zone numbers 0..${ZONES - 1} (a list like [2]) or none, got ${JSON.stringify(v ?? String(item))}`);
    }
    if (zones.includes(v)) p.where.fail(item as Node, `${key}: zone ${v} listed twice`);
    zones.push(v);
  }
  return zones.sort((a, b) => a - b);
}

export function showZones(zones: readonly number[]): string {
  return zones.length === 0 ? 'none' : `[${zones.join(', ')}]`;
}

export function sameZones(a: readonly number[], b: readonly number[]): boolean {
  const x = [...a].sort((p, q) => p - q);
  return x.length === b.length && x.every((z, i) => z === b[i]);
}
