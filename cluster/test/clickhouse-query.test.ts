import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { RE2JS } from 're2js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, seedTag } from '../../grader/src/harness/random.ts';
import type * as RangeModule from '../../starter/src/query/range-query.ts';
import type { RangeQuery, RangeResult } from '../../starter/src/query/range-query.ts';
import type { QueryAgg } from '../../starter/src/query/query-agg.ts';
import type * as StoreModule from '../../starter/src/storage/series-store.ts';
import { fromTree } from '../../test/support/service.ts';
import type { StoredBatch } from '../src/batch.ts';
import { runClickHouseQuery, wholeValueRegex } from '../src/clickhouse/query.ts';
import { createSchema, seriesKey } from '../src/clickhouse/schema.ts';
import { ClickHouseSink, dropPartitionsBefore } from '../src/clickhouse/sink.ts';
import { sqlIdentifier, sqlString } from '../src/clickhouse/sql.ts';
import { clickhouseMissing, startClickHouse, type RunningClickHouse } from '../src/engines/clickhouse.ts';
import { DATA_END, DATA_START, DAY, DAY0, generateBatches, HOSTILE_NAME, METRIC_NAMES } from './support/ch-dataset.ts';
import { expectSameAnswer } from './support/same-answer.ts';

/**
 * Differential test: the same seeded data set in the embedded SeriesStore (the finished service's
 * engine) and in a real clickhouse-server, the same parsed queries to runRangeQuery and
 * runClickHouseQuery, the same answers (series sorted by key on both sides, see clickhouse/query.ts).
 */

const missing = clickhouseMissing();
const HOUR = 3_600_000;
const AGGS: QueryAgg[] = ['avg', 'min', 'max', 'sum', 'count', 'p50', 'p95', 'p99', 'rate'];

describe.skipIf(missing)(`ClickHouse answers /query like the embedded engine ${missing ? `(skipped: ${missing})` : seedTag(SEED)}`, () => {
  let dir: string;
  let server: RunningClickHouse | undefined;
  let client: ClickHouseClient;
  let store: StoreModule.SeriesStore;
  let range: typeof RangeModule;
  let batches: StoredBatch[];
  let points = 0;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ms-clickhouse-'));
    server = await startClickHouse({ dir });
    client = createClient({ url: server.url });
    await createSchema(client);
    range = await fromTree<typeof RangeModule>('query/range-query.ts');
    const { SeriesStore } = await fromTree<typeof StoreModule>('storage/series-store.ts');
    store = new SeriesStore();
    batches = generateBatches(SEED);
    for (const b of batches) store.add(b.metrics);
    points = store.size.points;
    // As a store node would: many batches per insert.
    const sink = new ClickHouseSink(client);
    for (let i = 0; i < batches.length; i += 40) await sink.insert(batches.slice(i, i + 40));
  });

  afterAll(async () => {
    await client?.close(); // first: an idle keep-alive socket would hold the server's shutdown
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Both engines' answer to one query string (parsed once, by the service's parser). */
  async function both(params: Record<string, string | string[]>): Promise<{ q: RangeQuery; ch: RangeResult; ref: RangeResult }> {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) for (const one of Array.isArray(v) ? v : [v]) search.append(k, one);
    const q = range.parseRangeQuery(search, DATA_END);
    return { q, ch: await runClickHouseQuery(client, q), ref: range.runRangeQuery(store, q) };
  }

  /** Ranges cutting through the data, with steps that keep within the service's bucket limit. */
  function rangeCases(): Array<{ label: string; start: number; end: number; steps: Array<string | undefined> }> {
    const counter = store.find('requests_total')[0]!.columns;
    const instant = counter.timeAt(Math.floor(counter.length / 2));
    return [
      { label: 'everything', start: 0, end: DATA_END + HOUR, steps: [undefined] },
      { label: 'the data', start: DATA_START - HOUR, end: DATA_END + HOUR, steps: [undefined, '37s', '1h', '1d'] },
      { label: 'mid cut', start: DATA_START + 13 * HOUR + 1_037_456, end: DATA_START + 2 * DAY + 5 * HOUR + 67_001, steps: [undefined, '5m', '1h', '1d'] },
      { label: 'an hour', start: DAY0 + DAY + 10 * HOUR + 333, end: DAY0 + DAY + 11 * HOUR + 333, steps: [undefined, '1000', '7919', '10m'] },
      { label: 'one instant', start: instant, end: instant, steps: [undefined, '1'] },
      { label: 'before the data', start: DAY0 - 2 * DAY, end: DATA_START - 1, steps: [undefined, '1h'] },
    ];
  }

  describe('every aggregation over ranges and steps, no matchers', () => {
    it.each(AGGS)('%s', async (agg) => {
      let compared = 0;
      for (const name of [...METRIC_NAMES, 'no_such_metric']) {
        for (const r of rangeCases()) {
          const jobs = r.steps.map(async (step) => {
            const params = { name, agg, start: String(r.start), end: String(r.end), ...(step ? { step } : {}) };
            expectSameAnswer(await both(params), `${agg} of ${name} over ${r.label} step ${step ?? 'none'}`);
            compared++;
          });
          await Promise.all(jobs);
        }
      }
      expect(compared).toBeGreaterThan(100);
    });

    it('compares answers with data in them', async () => {
      // The matrix above must not pass on empty answers: most series have points in the mid cut.
      const { ch, ref } = await both({ name: 'cpu_usage', agg: 'count', start: String(DATA_START + 13 * HOUR), end: String(DATA_START + 2 * DAY) });
      expect(ch.series.length).toBe(ref.series.length);
      expect(ch.series.length).toBeGreaterThan(8);
      expect(ch.pointsScanned).toBeGreaterThan(1000);
      const rate = await both({ name: 'requests_total', agg: 'rate', start: String(DATA_START), end: String(DATA_END), step: '1h' });
      expect(rate.ch.series.flatMap((s) => s.points).length).toBeGreaterThan(100);
    });
  });

  const MATCHER_SETS: string[][] = [
    [],
    ['host=web-1'],
    ['host!=web-1'],
    ['region=eu'],
    ['region='], // the series without a region: a missing tag is ""
    ['region!='],
    ['env='],
    ['env!='],
    ['host='], // the empty host and nothing else (every series has a host)
    ['host=~web-.*'],
    ['host=~web'], // a regex matches the whole value: no series
    ['host!~web-.*|db-1'],
    ['host=~.*\\\\.*'], // a backslash in the value
    ['host=~(?i)WEB-1'],
    ["host=~o'.*"],
    ['host=~ünï-cødé .'], // . is one code point, also an astral one
    ['host=~line.break'], // . does not match a newline...
    ['host=~(?s)line.break'], // ...unless asked to
    ['host=~\\Qback\\slash'], // \Q to the end of the pattern
    ["host=~\\Qo'b\\E.*"],
    ['host=~'], // the empty regex matches "" only
    ['host!~'],
    ['host=~.+', 'region!~e.'],
    ['region=eu', 'host=~web-.*', 'host!=web-2'],
    ['zzz=~.+'],
    ["it's=a \"key\""],
    ["region=it's"],
    ['host=tab\there'],
    ["k'\\ey=v'\\al\u0000ue"],
    ['__proto__=proto'],
    ["host='; DROP TABLE metrics; --"],
  ];

  it.each(MATCHER_SETS.map((m) => [m.join(' & ') || '(none)', m] as const))('matchers %s', async (_label, match) => {
    const jobs: Array<Promise<void>> = [];
    for (const name of ['cpu_usage', HOSTILE_NAME]) {
      for (const agg of ['count', 'p95', 'rate'] as const) {
        for (const [start, end, step] of [
          [DATA_START - HOUR, DATA_END + HOUR, undefined],
          [DATA_START + 13 * HOUR, DATA_START + 2 * DAY, '1h'],
        ] as const) {
          const params = { name, agg, match, start: String(start), end: String(end), ...(step ? { step } : {}) };
          jobs.push(both(params).then((a) => expectSameAnswer(a, `${agg} of ${name} where ${match.join(' & ')} step ${step ?? 'none'}`)));
        }
      }
    }
    await Promise.all(jobs);
  });

  it('selects what the matchers say on the hostile tags (the comparison is not vacuous)', async () => {
    const hosts = async (...match: string[]) =>
      (await both({ name: 'cpu_usage', agg: 'count', match, start: '0', end: String(DATA_END) })).ch.series.map((s) => s.tags.host).sort();
    expect(await hosts('region=')).toEqual(['no-region']);
    expect(await hosts('host=~line.break')).toEqual([]);
    expect(await hosts('host=~(?s)line.break')).toEqual(['line\nbreak']);
    expect(await hosts('host=~\\Qback\\slash')).toEqual(['back\\slash']);
    expect(await hosts('host=~ünï-cødé .')).toEqual(['ünï-cødé \u{1F680}']);
    expect(await hosts('host=')).toEqual(['']);
    const proto = await both({ name: HOSTILE_NAME, agg: 'count', match: ['__proto__=proto'], start: '0', end: String(DATA_END) });
    expect(proto.ch.series.map((s) => Object.getOwnPropertyDescriptor(s.tags, '__proto__')?.value)).toEqual(['proto']);
  });

  it('gives the same answers after every batch was inserted again (a redelivery), before and after merges', async () => {
    const sink = new ClickHouseSink(client);
    // Again, grouped differently: all in one insert, then the first 30 once more one by one.
    expect(await sink.insert(batches)).toBe(points);
    for (const b of batches.slice(0, 30)) await sink.insert([b]);
    const raw = async (final: string) => Number((await (await client.query({ query: `SELECT count() AS n FROM metrics ${final}`, format: 'JSONEachRow' })).json<{ n: string }>())[0]!.n);
    expect(await raw(''), 'the copies are really there').toBeGreaterThan(points);
    expect(await raw('FINAL')).toBe(points);
    const check = async () => {
      for (const agg of AGGS) {
        for (const r of rangeCases().slice(1, 4)) {
          const jobs = ['cpu_usage', 'requests_total', HOSTILE_NAME].map(async (name) => {
            const params = { name, agg, start: String(r.start), end: String(r.end), step: r.steps.at(-1)! };
            expectSameAnswer(await both(params), `after re-insert: ${agg} of ${name} over ${r.label}`);
          });
          await Promise.all(jobs);
        }
      }
    };
    await check();
    await client.command({ query: 'OPTIMIZE TABLE metrics FINAL' });
    expect(await raw(''), 'merged: one row per point').toBe(points);
    await check();
  });

  it('drops whole UTC days before the day of the retention time (DROP PARTITION)', async () => {
    await createSchema(client, { table: 'retention' });
    await new ClickHouseSink(client, 'retention').insert(batches);
    const cutoff = DAY0 + 2 * DAY + 5 * HOUR; // the third day, 5 h in: days 1 and 2 go, all of day 3 stays
    const dropped = await dropPartitionsBefore(client, cutoff, 'retention');
    expect(dropped.map(Number).sort()).toEqual([DAY0 / DAY, DAY0 / DAY + 1]);
    expect(await dropPartitionsBefore(client, cutoff, 'retention')).toEqual([]);
    const { SeriesStore } = await fromTree<typeof StoreModule>('storage/series-store.ts');
    const pruned = new SeriesStore();
    for (const b of batches) pruned.add(b.metrics);
    pruned.prune(DAY0 + 2 * DAY);
    for (const agg of ['count', 'min', 'rate'] as const) {
      for (const name of ['cpu_usage', 'requests_total']) {
        const q = range.parseRangeQuery(new URLSearchParams({ name, agg, start: String(DAY0), end: String(DATA_END), step: '6h' }), DATA_END);
        const ch = await runClickHouseQuery(client, q, 'retention');
        expectSameAnswer({ q, ch, ref: range.runRangeQuery(pruned, q) }, `after retention: ${agg} of ${name}`);
        expect(ch.series[0]!.points[0]!.t).toBeGreaterThanOrEqual(DAY0 + 2 * DAY);
      }
    }
  });

  describe('escaping', () => {
    const HOSTILE = ["'", '\\', "\\'", "''", "\\\\'", "'; DROP TABLE metrics; --", 'ü\u{1F680}\u00e9', '\0nul', 'a\nb\r\tc', '\u0001\u007f', '{name:String}', '?', '$1', '`', '"'];

    it('keys series as the embedded store does', async () => {
      const tree = await fromTree<typeof StoreModule>('storage/series-store.ts');
      const all = [...store.allSeries()];
      expect(all.length).toBeGreaterThan(15);
      for (const s of all) expect(seriesKey(s.name, s.tags)).toBe(tree.seriesKey(s.name, s.tags));
    });

    it('reads every string literal back as it was written', async () => {
      const rows = await (await client.query({ query: `SELECT [${HOSTILE.map(sqlString).join(', ')}] AS s`, format: 'JSONEachRow' })).json<{ s: string[] }>();
      expect(rows[0]!.s).toEqual(HOSTILE);
    });

    it('names a table with any characters', async () => {
      const table = "we`ird 'ta\\ble\" ü";
      await createSchema(client, { table });
      const batch: StoredBatch = { id: "b'1\\", metrics: [{ name: "n'", value: 1.5, timestamp: DAY0, tags: { "k'": '\\v' }, client: "c'" }] };
      expect(await new ClickHouseSink(client, table).insert([batch])).toBe(1);
      const q = range.parseRangeQuery(new URLSearchParams({ name: "n'", start: '0', end: String(DAY0), agg: 'sum', match: "k'=\\v" }), DAY0);
      expect((await runClickHouseQuery(client, q, table)).series).toEqual([{ tags: { "k'": '\\v' }, points: [{ t: 0, value: 1.5 }] }]);
      await client.command({ query: `DROP TABLE ${sqlIdentifier(table)}` });
    });

    it("matches regexes as re2js does (whole value, . and newlines, \\Q, unicode)", async () => {
      const patterns = ['web-.*', 'web', '.', '.*', '', 'a|b', '(?i)WEB-1', '\\Qa.b', '\\Qa.b\\E.*', 'a\\\\b', '\\pL+', 'é.', '^web-1$', 'x*', '\\d+', 'a.b', '(?s)a.b', '[^a]', "o'.*", '.{2}', '\\Q\\\\E'];
      const values = ['web-1', 'web', 'a.b', 'axb', 'a\\b', 'a\nb', 'é', 'éx', '', 'WEB-1', "o'brien", '12', '\u{1F680}', 'b', '\\\\', '\\'];
      const list = `[${values.map(sqlString).join(', ')}]`;
      for (const p of patterns) {
        const rows = await (await client.query({ query: `SELECT arrayMap(v -> match(v, ${sqlString(wholeValueRegex(p))}), ${list}) AS m`, format: 'JSONEachRow' })).json<{ m: number[] }>();
        const re = RE2JS.compile(p);
        expect(rows[0]!.m.map(Boolean), `pattern ${JSON.stringify(p)}`).toEqual(values.map((v) => re.matches(v)));
      }
      expect(() => wholeValueRegex('a)|(b')).toThrow(/invalid regex/);
    });
  });
});
