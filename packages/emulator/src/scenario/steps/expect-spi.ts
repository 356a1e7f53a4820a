// `expect-spi: {mosi: [0xFB]}` checks the bytes of the last SS-low window.
import { isScalar, isSeq, type Node } from 'yaml';
import type { ScenarioContext } from '../context.ts';
import { formatVirtual } from '../duration.ts';
import { BYTES, type JsonSchema, type ParamSpec } from '../param-spec.ts';

import type { Params } from '../params.ts';
import type { Where } from '../source.ts';
import { BaseStep, failure } from './base.ts';

const hex = (bytes: readonly number[]): string => (bytes.length ? bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ') : '(none)');

const BYTE: JsonSchema = { type: 'integer', minimum: 0, maximum: 255 };
// A hex string as readBytes reads it: "0x" prefixes and separators dropped, an even number of digits left.
const HEX_SEPARATOR = '(?:[\\s:,]|0[xX])';
const HEX_DIGIT = '(?:0(?![xX])|[1-9a-fA-F])';
/** readBytes' forms, for the scenario JSON Schema. */
export const BYTES_SCHEMA: JsonSchema = {
  anyOf: [
    { type: 'string', pattern: `^(?:${HEX_SEPARATOR}*${HEX_DIGIT}${HEX_SEPARATOR}*${HEX_DIGIT})*${HEX_SEPARATOR}*$`, patternErrorMessage: 'hex bytes, e.g. "fb" or "fb 00"' },
    BYTE,
    { type: 'array', items: BYTE },
  ],
};

/** `[0xFB, 0]`, `"fb 00"`, `"0xfb"` or `251`; undefined when absent. */
export function readBytes(p: Params, key: string): number[] | undefined {
  if (!p.has(key)) return undefined;
  const n = p.node(key);
  if (n === null) return p.fail(key, 'needs a value');
  if (isScalar(n) && typeof n.value === 'string') {
    const digits = n.value.replace(/0x/gi, '').replace(/[\s:,]/g, '');
    if (!/^([0-9a-f]{2})*$/i.test(digits)) p.fail(key, `expected hex bytes like "fb" or "fb 00", got ${JSON.stringify(n.value)}`);
    return digits.match(/../g)?.map((d) => parseInt(d, 16)) ?? [];
  }
  const items = isSeq(n) ? n.items : [n];
  return items.map((item) => {
    const v = isScalar(item) ? item.value : undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) p.where.fail(item as Node, `${key}: expected bytes 0..255 (0xFB) or a hex string, got ${JSON.stringify(v ?? String(item))}`);
    return v;
  });
}

export class ExpectSpiStep extends BaseStep {
  static readonly keyword = 'expect-spi';
  static readonly doc = 'Checks the bytes of the last SS-low window on the SPI bus (at least one of mosi and miso).';
  static readonly spec: ParamSpec = {
    params: {
      mosi: { type: BYTES, doc: 'The bytes the ESP8266 sent: [0xFB], [251], "fb", "fb 00", "0xfb". [] passes only while no byte has crossed the bus.' },
      miso: { type: BYTES, doc: 'The bytes the ATmega168 answered, in the same forms.' },
    },
    anyOf: ['mosi', 'miso'],
  };

  static validate(p: Params, where: Where): ExpectSpiStep {
    const mosi = readBytes(p, 'mosi');
    const miso = readBytes(p, 'miso');
    if (!mosi && !miso) p.where.fail(null, 'needs mosi or miso (or both)');
    p.done();
    return new ExpectSpiStep(where, mosi, miso);
  }

  constructor(
    where: Where,
    readonly mosi: number[] | undefined,
    readonly miso: number[] | undefined,
  ) {
    super(ExpectSpiStep.keyword, where);
  }

  private want(): string {
    return [this.mosi && `mosi ${hex(this.mosi)}`, this.miso && `miso ${hex(this.miso)}`].filter(Boolean).join(' ');
  }

  describe(): string {
    return `expect-spi ${this.want()}`;
  }

  async run(ctx: ScenarioContext): Promise<void> {
    const want = `last SPI transaction ${this.want()}`;
    // Before the first SS-low window with a byte, the bytes seen are none: `mosi: []` expects exactly that.
    const last = ctx.lastSpi() ?? { mosi: [], miso: [], tNs: null };
    const empty = (b: number[] | undefined) => b !== undefined && b.length === 0;
    if (last.tNs === null && !empty(this.mosi) && !empty(this.miso)) throw failure(ctx, want, 'no SPI transaction yet');
    const same = (a: readonly number[] | undefined, b: readonly number[]) => a === undefined || (a.length === b.length && a.every((x, i) => x === b[i]));
    if (!same(this.mosi, last.mosi) || !same(this.miso, last.miso)) {
      throw failure(ctx, want, `mosi ${hex(last.mosi)} miso ${hex(last.miso)}${last.tNs === null ? '' : ` at ${formatVirtual(last.tNs)}`}`);
    }
  }
}
