import { describe, expect, it } from 'vitest';
import type { Metric } from '../starter/src/ingest/metric.ts';
import { decodeLine, encodeLine } from '../starter/src/storage/line-format.ts';

// encodeLine builds the line by hand for speed; it must stay byte for byte the generic encoding.
const reference = (m: Metric): string =>
  JSON.stringify({ name: m.name, value: m.value, timestamp: new Date(m.timestamp).toISOString(), tags: m.tags, client: m.client });

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

/** The line, or the error it throws (a timestamp past what a Date holds throws in both). */
function outcome(encode: () => string): string {
  try {
    return encode();
  } catch (err) {
    return `throws ${(err as Error).name}`;
  }
}

const ODD_STRINGS = ['cpu', 'a"quote', 'back\\slash', 'new\nline', 'tab\t', 'ünïcödé', '😀', '\u2028', '\u0000', '</script>', ''];
const ODD_VALUES = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 123456789.123, Number.MAX_VALUE, Number.MIN_VALUE, -1.5e300, 5e-324];
const ODD_TIMES = [0, 1, 999, 1000, 1_758_116_723_123, 1_758_116_723_999, 253_402_300_799_999, 253_402_300_800_000, -1, -62_198_755_200_000, 8.64e15, 1.5, 1_758_116_723_123.7];

describe('encodeLine', () => {
  it('is byte for byte JSON.stringify of the line object, on odd and random metrics', () => {
    const r = rng(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    let last: Metric | undefined;
    for (let i = 0; i < 5_000; i++) {
      const tags: Record<string, string> = {};
      for (let k = Math.floor(r() * 4); k > 0; k--) tags[pick(ODD_STRINGS) || 'k'] = pick(ODD_STRINGS);
      if (r() < 0.5) Object.freeze(tags); // frozen tags take the cached path
      // Runs of equal and neighbouring seconds exercise the cached date prefix, jumps refresh it.
      const timestamp = r() < 0.3 && last ? last.timestamp + Math.floor(r() * 3) : r() < 0.5 ? pick(ODD_TIMES) : Math.floor(r() * 4e12);
      const m: Metric = { name: pick(ODD_STRINGS), value: r() < 0.5 ? pick(ODD_VALUES) : (r() - 0.5) * 10 ** Math.floor(r() * 30 - 10), timestamp, tags, client: pick(ODD_STRINGS) };
      expect(outcome(() => encodeLine(m)), JSON.stringify(m)).toBe(outcome(() => reference(m)));
      last = m;
    }
  });

  it('leaves out a missing client as JSON.stringify does, and reads back what it wrote', () => {
    const m = { name: 'cpu', value: 1.5, timestamp: 1_758_116_723_123, tags: { host: 'a' } } as unknown as Metric;
    expect(encodeLine(m)).toBe(reference(m));
    expect(decodeLine(encodeLine({ ...m, client: 'c' }))).toEqual({ ...m, client: 'c' });
  });

  it('throws on a timestamp no date can hold, like toISOString', () => {
    const m: Metric = { name: 'cpu', value: 1, timestamp: 8.64e15 + 1, tags: {}, client: 'c' };
    expect(() => reference(m)).toThrow(RangeError);
    expect(() => encodeLine(m)).toThrow(RangeError);
  });
});
