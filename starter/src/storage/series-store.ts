import { existsSync, readFileSync } from 'node:fs';
import type { Metric } from '../ingest/metric.ts';
import { decodeLine } from './line-format.ts';
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
  private pointCount = 0;

  add(metrics: readonly Metric[]): void {
    // Batches often repeat one series back to back: skip re-deriving its key for the same tags object.
    let lastTags: Record<string, string> | undefined;
    let lastName = '';
    let s: IndexedSeries | undefined;
    for (const m of metrics) {
      if (!s || m.tags !== lastTags || m.name !== lastName) {
        s = this.seriesFor(m.name, m.tags);
        lastTags = m.tags;
        lastName = m.name;
      }
      s.columns.insert(m.timestamp, m.value);
      this.pointCount++;
    }
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
    return dropped;
  }

  get size(): { series: number; points: number } {
    return { series: this.series.size, points: this.pointCount };
  }

  /**
   * Load a data file written by the service. A torn last line (a crash mid-append) or any line
   * that is not a metric is skipped and counted, never fatal.
   */
  loadFile(file: string): { loaded: number; skipped: number } {
    if (!existsSync(file)) return { loaded: 0, skipped: 0 };
    let loaded = 0;
    let skipped = 0;
    const batch: Metric[] = [];
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        batch.push(decodeLine(line));
        loaded++;
      } catch {
        skipped++;
      }
    }
    this.add(batch);
    return { loaded, skipped };
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
