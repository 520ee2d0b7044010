import { beforeAll, describe, expect, it } from 'vitest';
import type * as ByteParserModule from '../starter/src/ingest/byte-parser.ts';
import type { Metric } from '../starter/src/ingest/metric.ts';
import type * as PackedModule from '../starter/src/ingest/packed-metrics.ts';
import { fromTree } from './support/service.ts';

// Metrics cross threads packed (pool worker -> event loop, event loop -> writer thread). Unpacked,
// they must be the same metrics, and equal tag sets must stay one shared frozen object.
let pack: typeof PackedModule.packMetrics;
let unpack: typeof PackedModule.unpackMetrics;
let parse: typeof ByteParserModule.parseMetricBytes;
beforeAll(async () => {
  ({ packMetrics: pack, unpackMetrics: unpack } = await fromTree<typeof PackedModule>('ingest/packed-metrics.ts'));
  ({ parseMetricBytes: parse } = await fromTree<typeof ByteParserModule>('ingest/byte-parser.ts'));
});

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

const NAMES = ['cpu', 'mem.used', 'disk_io', 'ns:requests', '_x9'];
const VALUES = [0, -0, 1, -1.5, 0.1, 1e21, 5e-324, Number.MAX_VALUE, 123456789.123];

/** A body as agents post it, parsed by the service's own parser (which shares equal tag sets). */
function parsedBatch(r: () => number, n: number, client: string): Metric[] {
  if (n === 0) return []; // a request carries at least one metric; a batch list may hold an empty one
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const metrics = Array.from({ length: n }, (_, i) => ({
    name: pick(NAMES),
    value: pick(VALUES),
    timestamp: 1_758_116_723_000 + Math.floor(r() * 100_000),
    ...(i % 7 === 3 ? {} : { tags: { host: `web-${Math.floor(r() * 3)}`, ...(r() < 0.5 ? { region: pick(['eu', 'us', '東京', 'a"quote']) } : {}) } }),
  }));
  return parse(Buffer.from(JSON.stringify({ metrics })), { client, now: 1_758_116_800_000 });
}

describe('packMetrics / unpackMetrics', () => {
  it('give back the same metrics, in order, across batches of different clients (300 seeded batches)', () => {
    const r = rng(11);
    for (let round = 0; round < 100; round++) {
      const batches = [parsedBatch(r, 1 + Math.floor(r() * 40), 'agent-a'), parsedBatch(r, Math.floor(r() * 5), 'agent-b'), parsedBatch(r, 1, 'anonymous')];
      const back = unpack(pack(batches));
      const flat = batches.flat();
      expect(back).toEqual(flat);
      back.forEach((m, i) => expect(Object.is(m.value, flat[i]!.value), `value ${flat[i]!.value}`).toBe(true));
    }
  });

  it('keep tags objects that were not shared, including an own "__proto__" key, and hand them back frozen', () => {
    const tags: Record<string, string> = { host: 'h1' };
    Object.defineProperty(tags, '__proto__', { value: 'x', enumerable: true, writable: true, configurable: true });
    const m: Metric = { name: 'n', value: 2, timestamp: 5, tags, client: 'c' };
    const [back] = unpack(pack([[m, { ...m, tags: {} }]]));
    expect(Object.keys(back!.tags)).toEqual(['host', '__proto__']);
    expect(Object.getOwnPropertyDescriptor(back!.tags, '__proto__')?.value).toBe('x');
    expect(Object.isFrozen(back!.tags)).toBe(true);
  });

  it('send each distinct name, tag set and client once, and unpack equal tag sets to one shared object', () => {
    const batch = parsedBatch(rng(3), 500, 'agent');
    const packed = pack([batch]);
    expect(packed.names.length).toBe(new Set(batch.map((m) => m.name)).size);
    expect(packed.tagSets.length).toBe(new Set(batch.map((m) => JSON.stringify(m.tags))).size);
    expect(packed.clients).toEqual(['agent']);
    const first = unpack(packed);
    const second = unpack(pack([batch]));
    for (let i = 0; i < batch.length; i++) {
      expect(second[i]!.tags).toBe(first[i]!.tags); // the store and the log cache by this object
      expect(Object.isFrozen(first[i]!.tags)).toBe(true);
    }
    const byJson = new Map<string, object>();
    for (const m of first) {
      const known = byJson.get(JSON.stringify(m.tags));
      if (known) expect(m.tags).toBe(known);
      else byJson.set(JSON.stringify(m.tags), m.tags);
    }
  });

  it('handle nothing to send', () => {
    expect(unpack(pack([]))).toEqual([]);
    expect(unpack(pack([[], []]))).toEqual([]);
  });
});
