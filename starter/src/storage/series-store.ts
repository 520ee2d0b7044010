import { existsSync, readFileSync } from 'node:fs';
import type { Metric } from '../ingest/metric.ts';
import { decodeLine } from './line-format.ts';

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

/**
 * In-memory index of every stored point by series, for queries and alerts. Fed by the storage
 * consumer after the writer took a batch, and rebuilt from the data file at start.
 */
export class SeriesStore {
  private readonly series = new Map<string, Series>();
  private readonly byName = new Map<string, Series[]>();
  private pointCount = 0;

  add(metrics: readonly Metric[]): void {
    for (const m of metrics) {
      const key = seriesKey(m.name, m.tags);
      let s = this.series.get(key);
      if (!s) {
        s = { name: m.name, tags: { ...m.tags }, points: [] };
        this.series.set(key, s);
        const list = this.byName.get(m.name) ?? [];
        list.push(s);
        this.byName.set(m.name, list);
      }
      insertSorted(s.points, { t: m.timestamp, value: m.value });
      this.pointCount++;
    }
  }

  /** Series called `name` whose tags include every `filter` pair, with their points in [start, end]. */
  select(name: string, filter: Record<string, string>, start: number, end: number): Series[] {
    const out: Series[] = [];
    for (const s of this.byName.get(name) ?? []) {
      if (!Object.entries(filter).every(([k, v]) => s.tags[k] === v)) continue;
      const from = lowerBound(s.points, start);
      const to = lowerBound(s.points, end + 1);
      out.push({ name: s.name, tags: s.tags, points: s.points.slice(from, to) });
    }
    return out;
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
}

function insertSorted(points: Point[], p: Point): void {
  if (points.length === 0 || points[points.length - 1]!.t <= p.t) points.push(p);
  else points.splice(lowerBound(points, p.t + 1), 0, p); // after equal timestamps: arrival order kept
}

/** First index whose time is >= t. */
function lowerBound(points: readonly Point[], t: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
