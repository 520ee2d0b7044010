import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type * as ClockModule from '../starter/src/lib/clock.ts';
import type * as ConfigModule from '../starter/src/config.ts';
import type * as LogReaderModule from '../starter/src/storage/log-reader.ts';
import type * as ServiceModule from '../starter/src/service.ts';
import type * as StoreModule from '../starter/src/storage/series-store.ts';
import type * as SegmentsModule from '../starter/src/storage/segments/segment-store.ts';
import type { Manifest } from '../starter/src/storage/segments/manifest.ts';
import { fromTree, getJson, post, type PostedMetric } from './support/service.ts';

/**
 * Time-partitioned segments next to the JSON-lines log (final level): a restart loads them and
 * replays only the log after the byte they cover, and must end with exactly the store a full replay
 * of the log gives — same series in the same order, same points, no duplicates — whatever happened
 * in between (crash, edited log, torn segment file, retention).
 */

const H = 3_600_000;
const T0 = Date.UTC(2030, 0, 1);
const HOSTS = ['a', 'b', 'c'];

let dir: string;
let dataFile: string;
let segDir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ms-segments-'));
  dataFile = path.join(dir, 'metrics.jsonl');
  segDir = `${dataFile}.segments`;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  url: string;
  service: ServiceModule.MetricStream;
  logs: string[];
}

async function open(clock: ClockModule.Clock, args: string[] = []): Promise<Running> {
  const { loadConfig } = await fromTree<typeof ConfigModule>('config.ts');
  const { createMetricStream } = await fromTree<typeof ServiceModule>('service.ts');
  const logs: string[] = [];
  const service = await createMetricStream(await loadConfig(['--port', '0', '--host', '127.0.0.1', '--data-file', dataFile, ...args], {}), { clock, log: (l) => logs.push(l) });
  const { url } = await service.listen();
  return { url, service, logs };
}

async function manualClock(t: number): Promise<ClockModule.ManualClock> {
  const { ManualClock } = await fromTree<typeof ClockModule>('lib/clock.ts');
  return new ManualClock(t);
}

/** `hours` hours of points every 10 minutes for each host, starting at `from`. */
function hoursOf(from: number, hours: number, value = 1): PostedMetric[] {
  const out: PostedMetric[] = [];
  for (let t = from; t < from + hours * H; t += 10 * 60_000) {
    for (const [i, host] of HOSTS.entries()) out.push({ name: 'cpu', value: value + i + (t - T0) / H, timestamp: t, tags: { host } });
  }
  return out;
}

/** Everything a store holds, in its order: what queries and GET /series read. */
function dump(store: StoreModule.SeriesStore): unknown[] {
  return Array.from(store.allSeries(), (s) => {
    const { times, values } = s.columns.view(0, s.columns.length);
    return [s.name, s.tags, Array.from(times), Array.from(values)];
  });
}

/** The store a restart must reproduce: the whole log replayed (then the retention applied). */
async function fullReplay(pruneBefore?: number): Promise<unknown[]> {
  const { SeriesStore } = await fromTree<typeof StoreModule>('storage/series-store.ts');
  const store = new SeriesStore();
  store.loadFile(dataFile);
  if (pruneBefore !== undefined) store.prune(pruneBefore);
  return dump(store);
}

const manifest = (): Manifest => JSON.parse(readFileSync(path.join(segDir, 'manifest.json'), 'utf8')) as Manifest;
const logLines = (): string[] => readFileSync(dataFile, 'utf8').split('\n').filter(Boolean);
const segFiles = (): string[] => readdirSync(segDir).filter((f) => f.endsWith('.seg')).sort();

/** Run 1: five hours of three hosts, plus a late point for the first hour, then a clean close. */
async function firstRun(clock: ClockModule.ManualClock): Promise<PostedMetric[]> {
  const a = await open(clock);
  // `z` is stored first but only has a point in the last partition: a restart must still list it first.
  const posted = [{ name: 'cpu', value: 0, timestamp: T0 + 4 * H + 1, tags: { host: 'z' } }, ...hoursOf(T0, 5), { name: 'cpu', value: 99, timestamp: T0 + 60_000, tags: { host: 'a' } }];
  await post(a.url, posted);
  await a.service.close();
  return posted;
}

describe('segments of the finished service', () => {
  it('restarts from segments after a clean close with exactly the store of a full replay', async () => {
    const clock = await manualClock(T0 + 5 * H);
    const posted = await firstRun(clock);
    expect(manifest().partitions.map((p) => p.start)).toEqual([0, 1, 2, 3, 4].map((h) => T0 + h * H));
    expect(manifest().log.bytes).toBe(readFileSync(dataFile).length);
    const generation = manifest().generation;

    const b = await open(clock);
    try {
      expect(b.logs.join('\n')).toMatch(/storage: 92 points from 5 segment\(s\), then 0 metric\(s\) replayed/);
      expect(b.service.store.size.points, 'no duplicates').toBe(posted.length);
      expect(dump(b.service.store)).toEqual(await fullReplay());
      const { body } = await getJson<{ series: Array<{ tags: { host: string }; points: Array<{ value: number }> }> }>(
        `${b.url}/query?name=cpu&agg=count&start=${T0}&end=${T0 + 5 * H}`,
      );
      expect(body.series.map((s) => [s.tags.host, s.points[0]!.value])).toEqual([['z', 1], ['a', 31], ['b', 30], ['c', 30]]);
    } finally {
      await b.service.close();
    }
    expect(manifest().generation, 'nothing changed: nothing rewritten').toBe(generation);
  });

  it('keeps a late point for an already-sealed partition across restarts, rewriting only that partition', async () => {
    const clock = await manualClock(T0 + 5 * H);
    const posted = await firstRun(clock);
    const before = manifest().partitions.map((p) => p.file);

    const b = await open(clock);
    await post(b.url, [{ name: 'cpu', value: -5, timestamp: T0 + 2 * 60_000, tags: { host: 'b' } }]);
    await b.service.close();
    const after = manifest().partitions.map((p) => p.file);
    expect(after[0], 'the sealed partition was rewritten').not.toBe(before[0]);
    expect(after.slice(1), 'the others were left alone').toEqual(before.slice(1));
    expect(segFiles(), 'the replaced file is deleted').toEqual([...after].sort());

    const c = await open(clock);
    try {
      expect(c.logs.join('\n')).toMatch(/then 0 metric\(s\) replayed/);
      expect(c.service.store.size.points).toBe(posted.length + 1);
      expect(c.service.store.select('cpu', { host: 'b' }, T0, T0 + 5 * 60_000)[0]!.points).toEqual([
        { t: T0, value: 2 },
        { t: T0 + 2 * 60_000, value: -5 },
      ]);
      expect(dump(c.service.store)).toEqual(await fullReplay());
    } finally {
      await c.service.close();
    }
  });

  it('after a crash (segments of an earlier snapshot, more log after it) loads exactly the union', async () => {
    const clock = await manualClock(T0 + 5 * H);
    const first = await firstRun(clock);
    const earlier = path.join(dir, 'earlier-segments');
    cpSync(segDir, earlier, { recursive: true });
    const coveredBytes = manifest().log.bytes;

    clock.set(T0 + 7 * H);
    const b = await open(clock);
    const second = [...hoursOf(T0 + 5 * H, 2, 50), { name: 'cpu', value: 7, timestamp: T0 + 30 * 60_000, tags: { host: 'new' } }];
    await post(b.url, second);
    await b.service.close();
    // The crash: the log has everything, the segments on disk are the earlier snapshot's.
    rmSync(segDir, { recursive: true });
    cpSync(earlier, segDir, { recursive: true });

    const c = await open(clock);
    try {
      expect(c.logs.join('\n')).toContain(`then ${second.length} metric(s) replayed from byte ${coveredBytes}`);
      expect(c.service.store.size.points).toBe(first.length + second.length);
      expect(dump(c.service.store)).toEqual(await fullReplay());
    } finally {
      await c.service.close();
    }
    expect(manifest().log.bytes, 'the next snapshot covers the whole log again').toBe(readFileSync(dataFile).length);
  });

  it.each([
    ['truncated', () => writeFileSync(dataFile, logLines().slice(0, 40).join('\n') + '\n'), /truncated or replaced/],
    ['edited near the end', () => writeFileSync(dataFile, readFileSync(dataFile, 'utf8').replace(/"value":99,/, '"value":98,')), /changed \(edited or replaced\)/],
    ['replaced by another log', () => writeFileSync(dataFile, logLines().reverse().join('\n') + '\n'), /changed \(edited or replaced\)/],
  ])('ignores the segments when the log was %s: warning, full replay', async (_label, change, reason) => {
    const clock = await manualClock(T0 + 5 * H);
    await firstRun(clock);
    change();
    const b = await open(clock);
    try {
      const warning = b.logs.find((l) => l.includes('segments in') && l.includes('ignored, replaying the whole log'));
      expect(warning, b.logs.join('\n')).toMatch(reason);
      expect(dump(b.service.store)).toEqual(await fullReplay());
      expect(b.service.store.size.points).toBe(logLines().length);
    } finally {
      await b.service.close();
    }
    const c = await open(clock);
    try {
      expect(c.logs.join('\n'), 'the start after a full replay wrote fresh segments').toMatch(/then 0 metric\(s\) replayed/);
      expect(dump(c.service.store)).toEqual(await fullReplay());
    } finally {
      await c.service.close();
    }
  });

  it.each([
    ['a flipped byte in a segment', () => flipByte(path.join(segDir, segFiles()[2]!)), /does not match its checksum/],
    ['a torn segment file', () => writeFileSync(path.join(segDir, segFiles()[0]!), readFileSync(path.join(segDir, segFiles()[0]!)).subarray(0, 100)), /does not match its checksum/],
    ['a missing segment file', () => rmSync(path.join(segDir, segFiles()[1]!)), /ENOENT/],
    ['a torn manifest', () => writeFileSync(path.join(segDir, 'manifest.json'), '{"format":"metricstream-segm'), /not valid JSON/],
  ])('survives %s: warning, full replay, no crash and no loss', async (_label, damage, reason) => {
    const clock = await manualClock(T0 + 5 * H);
    const posted = await firstRun(clock);
    damage();
    const b = await open(clock);
    try {
      expect(b.logs.find((l) => l.includes('ignored, replaying the whole log')), b.logs.join('\n')).toMatch(reason);
      expect(b.service.store.size.points).toBe(posted.length);
      expect(dump(b.service.store)).toEqual(await fullReplay());
    } finally {
      await b.service.close();
    }
    const c = await open(clock);
    try {
      expect(c.logs.join('\n')).toMatch(/storage: 92 points from 5 segment\(s\)/);
    } finally {
      await c.service.close();
    }
  });

  it('retention deletes partitions entirely older than now - retention from disk, and a longer retention later replays the log', async () => {
    const clock = await manualClock(T0 + 5 * H);
    const posted = await firstRun(clock);

    clock.set(T0 + 6 * H + 30 * 60_000); // cutoff with 2h: T0 + 4.5h
    const b = await open(clock, ['--retention', '2h']);
    try {
      expect(dump(b.service.store)).toEqual(await fullReplay(T0 + 4.5 * H));
    } finally {
      await b.service.close();
    }
    expect(manifest().partitions.map((p) => p.start), 'only the partition still partly kept').toEqual([T0 + 4 * H]);
    expect(segFiles()).toEqual([manifest().partitions[0]!.file]);
    expect(manifest().completeFrom).toBe(T0 + 4.5 * H);

    // Keeping everything again must not lose what the segments dropped: the log still has it.
    const c = await open(clock);
    try {
      expect(c.logs.join('\n')).toMatch(/ignored, replaying the whole log: retention dropped points before/);
      expect(c.service.store.size.points).toBe(posted.length);
      expect(dump(c.service.store)).toEqual(await fullReplay());
    } finally {
      await c.service.close();
    }
  });

  it('expires partitions on disk while running, as the retention prunes memory', async () => {
    const { SeriesStore } = await fromTree<typeof StoreModule>('storage/series-store.ts');
    const { SegmentStore } = await fromTree<typeof SegmentsModule>('storage/segments/segment-store.ts');
    const clock = await manualClock(T0 + 5 * H);
    await firstRun(clock);
    const logs: string[] = [];
    const segments = new SegmentStore({ dataFile, partitionMs: H, log: (l) => logs.push(l) });
    const store = new SeriesStore();
    segments.load(store, -Infinity);
    store.prune(T0 + 2 * H);
    segments.expire(store);
    expect(manifest().partitions.map((p) => p.start)).toEqual([2, 3, 4].map((h) => T0 + h * H));
    expect(segFiles()).toHaveLength(3);
    expect(manifest().completeFrom).toBe(T0 + 2 * H);

    const again = new SeriesStore();
    expect(new SegmentStore({ dataFile, partitionMs: H, log: (l) => logs.push(l) }).load(again, T0 + 2 * H).fromSegments).toBeGreaterThan(0);
    again.prune(T0 + 2 * H);
    expect(dump(again)).toEqual(await fullReplay(T0 + 2 * H));
  });

  it('a log that ended with a torn line at start: no snapshot until it ends with a complete line, and exact', async () => {
    const clock = await manualClock(T0 + 5 * H);
    await firstRun(clock);
    writeFileSync(dataFile, readFileSync(dataFile, 'utf8') + '{"name":"cpu","val', { flag: 'w' });
    const b = await open(clock);
    await post(b.url, [{ name: 'cpu', value: 5, timestamp: T0 + 4 * H, tags: { host: 'z' } }]);
    await b.service.close();
    expect(b.logs.join('\n')).toMatch(/ends with an incomplete line/);
    expect(manifest().log.bytes).toBe(statSync(dataFile).size); // the snapshot at close covers the whole log
    const c = await open(clock);
    try {
      expect(dump(c.service.store)).toEqual(await fullReplay());
    } finally {
      await c.service.close();
    }
  });

  it('writes no segments below the final level or with --segment-partition 0', async () => {
    const clock = await manualClock(T0 + 5 * H);
    for (const args of [['--level', '6', '--processor', 'inline'], ['--segment-partition', '0']]) {
      const a = await open(clock, args);
      await post(a.url, hoursOf(T0, 1));
      await a.service.close();
      expect(existsSync(segDir), args.join(' ')).toBe(false);
    }
  });
});

describe('segment settings and the log reader', () => {
  it('reads --segment-partition / METRICSTREAM_SEGMENT_PARTITION with a clear error', async () => {
    const { loadConfig } = await fromTree<typeof ConfigModule>('config.ts');
    expect((await loadConfig([])).segmentPartitionMs).toBe(H);
    expect((await loadConfig(['--segment-partition', '90s'])).segmentPartitionMs).toBe(90_000);
    expect((await loadConfig([], { METRICSTREAM_SEGMENT_PARTITION: '6h' })).segmentPartitionMs).toBe(6 * H);
    expect((await loadConfig(['--segment-partition', '0'])).segmentPartitionMs).toBe(0);
    for (const bad of ['10s', '5x', '-1h', '40d', '']) {
      await expect(loadConfig([`--segment-partition=${bad}`]), bad).rejects.toThrow(/--segment-partition must be 0 \(no segments\) or a duration from 1m to 31d/);
    }
  });

  it('reads the log in chunks exactly like one split of the whole file, from any line start', async () => {
    const { readLog } = await fromTree<typeof LogReaderModule>('storage/log-reader.ts');
    const lines = hoursOf(T0, 1).map((m) => JSON.stringify({ ...m, timestamp: new Date(m.timestamp!).toISOString(), client: 'c' }));
    const text = `${lines.slice(0, 5).join('\n')}\n\nnot json\n${lines.slice(5).join('\n')}\n{"torn`;
    writeFileSync(dataFile, text);
    const whole: number[] = [];
    const all = readLog(dataFile, 0, (b) => whole.push(...b.map((m) => m.value)), 1 << 20);
    for (const chunk of [1, 7, 64, 333]) {
      const values: number[] = [];
      expect(readLog(dataFile, 0, (b) => values.push(...b.map((m) => m.value)), chunk), `chunk ${chunk}`).toEqual(all);
      expect(values).toEqual(whole);
    }
    expect(all).toEqual({ loaded: lines.length, skipped: 2, end: Buffer.byteLength(text) - '{"torn'.length, size: Buffer.byteLength(text) });
    const from = Buffer.byteLength(lines.slice(0, 5).join('\n') + '\n');
    const tail: number[] = [];
    expect(readLog(dataFile, from, (b) => tail.push(...b.map((m) => m.value)), 50).loaded).toBe(lines.length - 5);
    expect(tail).toEqual(whole.slice(5));
  });
});

function flipByte(file: string): void {
  const buf = readFileSync(file);
  buf[buf.length - 3]! ^= 0xff;
  writeFileSync(file, buf);
}
