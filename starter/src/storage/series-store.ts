// Level 0 · provided: read it, don't change it.
import type { Metric } from '../ingest/metric.ts';
import { readLog, type LogRead } from './log-reader.ts';
import { SeriesColumns } from './series-columns.ts';

export interface Point {
  /** Epoch ms. */
  t: number;
  value: number;
}

export interface Series {
  name: string;
  tags: Record<string, string>;
  /** Sorted by time. */
  points: Point[];
}

/** Identity of a series: its name and its tags in key order. */
export function seriesKey(name: string, tags: Record<string, string>): string {
  const keys = Object.keys(tags).sort();
  return JSON.stringify([name, ...keys.map((k) => [k, tags[k]])]);
}

/** A stored series: identity plus its points as columns (see series-columns.ts). */
export interface IndexedSeries {
  name: string;
  tags: Record<string, string>;
  columns: SeriesColumns;
}

/**
 * In-memory index of every stored point by series (name -> series -> time-sorted columns), for
 * queries and alerts. Fed by the storage consumer after the writer took a batch, and rebuilt from
 * the data file at start. `prune` applies the retention.
 */
export class SeriesStore {
  private readonly series = new Map<string, IndexedSeries>();
  private readonly byName = new Map<string, IndexedSeries[]>();
  /** Series by frozen (shared) tags object, then by name: see seriesForShared. */
  private readonly sharedTags = new WeakMap<Record<string, string>, Map<string, IndexedSeries>>();
  private pointCount = 0;
  private pruned = -Infinity;
  private onAdd: ((metrics: readonly Metric[]) => void) | undefined;

  /** Be told of every batch `add` stores (the segments track which time partitions changed). */
  watchAdds(listener: (metrics: readonly Metric[]) => void): void {
    this.onAdd = listener;
  }

  add(metrics: readonly Metric[]): void {
    // Batches often repeat one series back to back: skip re-deriving its key for the same tags object.
    let lastTags: Record<string, string> | undefined;
    let lastName = '';
    let s: IndexedSeries | undefined;
    for (const m of metrics) {
      if (!s || m.tags !== lastTags || m.name !== lastName) {
        s = Object.isFrozen(m.tags) ? this.seriesForShared(m.name, m.tags) : this.seriesFor(m.name, m.tags);
        lastTags = m.tags;
        lastName = m.name;
      }
      s.columns.insert(m.timestamp, m.value);
      this.pointCount++;
    }
    this.onAdd?.(metrics);
  }

  /**
   * Bulk load one series' time-sorted points (from a segment), creating the series if it is new.
   * Not reported to `watchAdds`: these points are already on disk in that form.
   */
  appendPoints(name: string, tags: Record<string, string>, times: Float64Array, values: Float64Array): void {
    this.seriesFor(name, tags).columns.appendSorted(times, values);
    this.pointCount += times.length;
  }

  /** Every series, in the order it was first stored (the order queries list them in). */
  allSeries(): IterableIterator<IndexedSeries> {
    return this.series.values();
  }

  /** Series called `name` whose tags include every `filter` pair, with their points in [start, end]. */
  select(name: string, filter: Record<string, string>, start: number, end: number): Series[] {
    const wanted = Object.entries(filter);
    return this.find(name, (tags) => wanted.every(([k, v]) => tags[k] === v)).map((s) => {
      const { from, to } = s.columns.range(start, end);
      return { name: s.name, tags: s.tags, points: s.columns.points(from, to) };
    });
  }

  /** Series called `name` whose tags pass `match`; read their columns without copying. */
  find(name: string, match: (tags: Record<string, string>) => boolean = () => true): IndexedSeries[] {
    return (this.byName.get(name) ?? []).filter((s) => match(s.tags));
  }

  /** Every metric name with its series' tags (for pickers). */
  catalog(): Array<{ name: string; series: Array<Record<string, string>> }> {
    return [...this.byName.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, list]) => ({ name, series: list.map((s) => s.tags) }));
  }

  /** Retention: drop every point older than `before` (epoch ms); returns how many were dropped. */
  prune(before: number): number {
    let dropped = 0;
    for (const s of this.series.values()) dropped += s.columns.dropBefore(before);
    this.pointCount -= dropped;
    this.pruned = Math.max(this.pruned, before);
    return dropped;
  }

  /** The largest `before` that `prune` applied (-Infinity: never pruned). */
  get prunedBefore(): number {
    return this.pruned;
  }

  get size(): { series: number; points: number } {
    return { series: this.series.size, points: this.pointCount };
  }

  /**
   * Load a data file written by the service, from byte `from` (0, or just after a newline). A torn
   * last line (a crash mid-append) or any line that is not a metric is skipped and counted, never fatal.
   */
  loadFile(file: string, from = 0): LogRead {
    return readLog(file, from, (batch) => this.add(batch));
  }

  /**
   * Frozen tags are shared by every metric that sent the same tag set (ingest/byte-parser.ts), and
   * cannot change: remember their series per object instead of deriving the key for each metric.
   * (Series are never removed, only their points, so a remembered series stays the right one.)
   */
  private seriesForShared(name: string, tags: Record<string, string>): IndexedSeries {
    let byName = this.sharedTags.get(tags);
    if (!byName) this.sharedTags.set(tags, (byName = new Map()));
    let s = byName.get(name);
    if (!s) byName.set(name, (s = this.seriesFor(name, tags)));
    return s;
  }

  private seriesFor(name: string, tags: Record<string, string>): IndexedSeries {
    const key = seriesKey(name, tags);
    let s = this.series.get(key);
    if (!s) {
      s = { name, tags: { ...tags }, columns: new SeriesColumns() };
      this.series.set(key, s);
      const list = this.byName.get(name) ?? [];
      list.push(s);
      this.byName.set(name, list);
    }
    return s;
  }
}
