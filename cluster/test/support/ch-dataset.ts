import { rng } from '../../../grader/src/harness/random.ts';
import type { Metric } from '../../../starter/src/ingest/metric.ts';
import type { StoredBatch } from '../../src/batch.ts';

/**
 * A seeded, realistic data set for comparing ClickHouse with the embedded engine: gauges with
 * negative and full-precision values, a heavy-tailed latency, counters with resets, irregular times
 * over four UTC days with gaps of hours, repeated timestamps, late arrivals, tags missing on some
 * series, and names, tag keys and values with quotes, backslashes, newlines and unicode.
 */

export const DAY = 86_400_000;
/** Midnight UTC of the first day of data. */
export const DAY0 = Date.UTC(2030, 0, 1);
export const DATA_START = DAY0 + 7 * 3_600_000 + 1_234;
export const DATA_END = DAY0 + 3 * DAY + 17 * 3_600_000;

export const HOSTILE_NAME = `temp 'quoted' \\ "name" ü\u{1F680}`;

type Kind = 'gauge' | 'exact-gauge' | 'latency' | 'counter' | 'sparse-counter';

interface SeriesSpec {
  name: string;
  tags: Record<string, string>;
  kind: Kind;
  /** Mean seconds between points. */
  everyS: number;
}

const HOSTS = ['web-1', 'web-2', 'db-1'];

function seriesSpecs(): SeriesSpec[] {
  const specs: SeriesSpec[] = [];
  for (const [i, host] of HOSTS.entries()) {
    const region = i === 2 ? 'us' : 'eu';
    specs.push({ name: 'cpu_usage', tags: { host, region }, kind: i === 1 ? 'exact-gauge' : 'gauge', everyS: 120 });
    specs.push({ name: 'latency_ms', tags: { host, region, path: i === 0 ? '/api' : '/' }, kind: 'latency', everyS: 90 });
    specs.push({ name: 'requests_total', tags: { host, region }, kind: 'counter', everyS: 150 });
  }
  // Hostile tag values on the gauge, one series without a region, one with an extra tag.
  const odd: Array<Record<string, string>> = [
    { host: "o'brien", region: 'eu' },
    { host: 'back\\slash', region: 'us' },
    { host: 'ünï-cødé \u{1F680}', region: 'eu' },
    { host: 'line\nbreak', region: 'us' },
    { host: 'no-region' },
    { host: '', region: 'eu' },
    { host: 'web-1', region: 'eu', env: 'staging' },
    { host: 'tab\there', region: "it's", "it's": 'a "key"' },
  ];
  for (const tags of odd) specs.push({ name: 'cpu_usage', tags, kind: 'gauge', everyS: 400 });
  specs.push({ name: 'errors_total', tags: { host: 'web-1' }, kind: 'sparse-counter', everyS: 5_000 });
  specs.push({ name: 'errors_total', tags: { host: 'web-2' }, kind: 'sparse-counter', everyS: 20_000 });
  specs.push({ name: HOSTILE_NAME, tags: { ['__proto__']: 'proto', "k'\\ey": "v'\\al\u0000ue" }, kind: 'exact-gauge', everyS: 600 });
  specs.push({ name: HOSTILE_NAME, tags: { host: "'; DROP TABLE metrics; --" }, kind: 'counter', everyS: 700 });
  return specs;
}

export const METRIC_NAMES = ['cpu_usage', 'latency_ms', 'requests_total', 'errors_total', HOSTILE_NAME];

/** Every point of every series, as an ingest node would see them: by time, with some arriving late. */
function generateMetrics(seed: number): Metric[] {
  const random = rng(seed);
  const all: Metric[] = [];
  for (const spec of seriesSpecs()) {
    let t = DATA_START + Math.floor(random() * spec.everyS * 1000);
    let v = spec.kind === 'gauge' ? 40 : 0;
    while (t <= DATA_END) {
      v = nextValue(spec.kind, v, random);
      all.push({ name: spec.name, value: v, timestamp: t, tags: spec.tags, client: random() < 0.5 ? 'client-a' : 'client-b' });
      const r = random();
      // A repeated timestamp now and then, gaps of hours now and then (empty buckets).
      const gap = r < 0.01 ? 0 : r < 0.03 ? 3_600_000 + random() * 5 * 3_600_000 : (0.2 + random() * 1.6) * spec.everyS * 1000;
      t += Math.floor(gap);
    }
  }
  all.sort((a, b) => a.timestamp - b.timestamp);
  // Late arrivals: about 2% of the points move up to 200 places later in the stream.
  for (let i = all.length - 1; i > 0; i--) {
    if (random() < 0.02) {
      const j = Math.min(all.length - 1, i + 1 + Math.floor(random() * 200));
      const [m] = all.splice(i, 1);
      all.splice(j, 0, m!);
    }
  }
  return all;
}

function nextValue(kind: Kind, v: number, random: () => number): number {
  switch (kind) {
    case 'gauge': // two decimals, negative too (+ 0: never -0, which sorts apart from 0 in the embedded engine only)
      return Math.round(Math.max(-60, Math.min(140, v + (random() - 0.5) * 20)) * 100) / 100 + 0;
    case 'exact-gauge': // every bit of a double
      return (random() - 0.3) * 10 ** Math.floor(random() * 8 - 3);
    case 'latency':
      return Math.round(-Math.log(1 - random()) * 40 * 1000) / 1000 + 0.5;
    case 'counter':
      return random() < 0.03 ? Math.floor(random() * 5) : v + Math.floor(random() * 25) + (random() < 0.1 ? 0.25 : 0);
    case 'sparse-counter':
      return random() < 0.2 ? 0 : v + 1 + Math.floor(random() * 3);
  }
}

/** The stream cut into batches of 1 to 800 metrics; ids sort in arrival order (see clickhouse/query.ts). */
export function generateBatches(seed: number): StoredBatch[] {
  const random = rng(seed ^ 0x5eed);
  const metrics = generateMetrics(seed);
  const batches: StoredBatch[] = [];
  for (let at = 0; at < metrics.length; ) {
    const size = 1 + Math.floor(random() * random() * 800);
    batches.push({ id: `ingest-a-${String(batches.length).padStart(6, '0')}`, metrics: metrics.slice(at, at + size) });
    at += size;
  }
  return batches;
}
