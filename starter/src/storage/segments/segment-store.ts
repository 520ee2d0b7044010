// Level 7 · provided: read it, don't change it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { SeriesStore } from '../series-store.ts';
import { syncDir, TMP_SUFFIX, writeFileAtomic } from './atomic-file.ts';
import { byteBefore, logMismatch, markLog } from './log-mark.ts';
import { isSegmentFileName, MANIFEST_FILE, newManifest, parseManifest, segmentFileName, type Manifest, type PartitionEntry } from './manifest.ts';
import { decodeSegment, encodeSegment, type SegmentSeries } from './segment-file.ts';

export interface SegmentStoreOptions {
  /** The JSON-lines log: still the durable record; the segments are derived from it. */
  dataFile: string;
  /** Length of a time partition (one file per partition), in ms. */
  partitionMs: number;
  log: (line: string) => void;
}

export interface SegmentLoad {
  loaded: number;
  skipped: number;
  /** Points read from segment files (0 when the whole log was replayed). */
  fromSegments: number;
  /** Byte of the log where the replay started (0 = the whole log). */
  replayedFrom: number;
}

/** Segments live next to the log: `<dataFile>.segments/`. */
export const segmentDir = (dataFile: string): string => `${dataFile}.segments`;

const NEWLINE = 0x0a;
const NO_POINTS = new Float64Array(0);
const sha256 = (buf: Buffer): string => createHash('sha256').update(buf).digest('hex');

/** Segments that cannot be used; the log is replayed instead. */
class Unusable extends Error {}

/**
 * Time-partitioned snapshots of the SeriesStore, so a restart reads compact columns instead of
 * re-parsing the whole log. The rule that keeps them exact: a snapshot is taken only when the store
 * holds exactly the log's points (right after loading, before the writer appends; and at close,
 * after the writer drained), and the manifest records how many log bytes it covers. A restart loads
 * the segments and replays the log from there, so a crash only costs a longer replay. Anything
 * doubtful (log edited or truncated, a torn file, another partition length) means: replay the log.
 */
export class SegmentStore {
  readonly dir: string;
  private manifest: Manifest | undefined;
  private generation = 0;
  /** Partitions (by start) that got points since the last snapshot. */
  private readonly dirty = new Set<number>();
  /** Log bytes at start: a shorter log at close was truncated under us. */
  private startBytes = 0;
  private warnedTorn = false;

  constructor(private readonly opts: SegmentStoreOptions) {
    this.dir = segmentDir(opts.dataFile);
  }

  /** Partition start of a timestamp. */
  partitionOf(t: number): number {
    return Math.floor(t / this.opts.partitionMs) * this.opts.partitionMs;
  }

  /**
   * Fill an empty `store`: segments whose partitions end after `cutoff` (retention; -Infinity = all),
   * then the log from the byte they cover; or the whole log when the segments cannot be used. From
   * then on, every point the store takes marks its partition dirty.
   */
  load(store: SeriesStore, cutoff: number): SegmentLoad {
    store.watchAdds((metrics) => {
      let last = NaN;
      for (const m of metrics) {
        const start = this.partitionOf(m.timestamp);
        if (start !== last) this.dirty.add((last = start));
      }
    });
    const usable = this.readSegments(cutoff);
    let fromSegments = 0;
    if (usable) {
      // Create every series first, in the store's original order: queries list series in that order.
      for (const [name, tags] of usable.manifest.series) store.appendPoints(name, tags, NO_POINTS, NO_POINTS);
      for (const part of usable.parts) {
        for (const s of part) {
          store.appendPoints(s.name, s.tags, s.times, s.values);
          fromSegments += s.times.length;
        }
      }
      this.manifest = usable.manifest;
    }
    const from = usable?.manifest.log.bytes ?? 0;
    const read = store.loadFile(this.opts.dataFile, from);
    this.startBytes = read.size;
    if (usable) {
      this.opts.log(`storage: ${fromSegments} points from ${usable.parts.length} segment(s), then ${read.loaded} metric(s) replayed from byte ${from} of ${this.opts.dataFile}`);
    }
    return { loaded: fromSegments + read.loaded, skipped: read.skipped, fromSegments, replayedFrom: from };
  }

  /**
   * Write the partitions changed since the last snapshot, drop those entirely older than the store's
   * retention, then switch the manifest. Call ONLY when the store holds exactly the log's points.
   * Never throws: a failed snapshot leaves the previous one valid (the next start replays more).
   */
  snapshot(store: SeriesStore): void {
    try {
      const file = this.opts.dataFile;
      const bytes = existsSync(file) ? statSync(file).size : 0;
      if (bytes < this.startBytes) {
        this.opts.log(`warning: ${file} changed outside the service (${bytes} bytes, ${this.startBytes} at start); segments not updated`);
        return;
      }
      if (bytes > 0 && byteBefore(file, bytes) !== NEWLINE) {
        // A crash left a torn last line. The writers start a new line before their first append
        // (storage/torn-line.ts), so the next snapshot after one (at the latest at close) is exact.
        if (!this.warnedTorn) this.opts.log(`warning: ${file} ends with an incomplete line (a crash mid-append?); segments are updated once it ends with a complete one`);
        this.warnedTorn = true;
        this.expire(store);
        return;
      }
      const P = this.opts.partitionMs;
      const cutoff = store.prunedBefore;
      const entries = new Map((this.manifest?.partitions ?? []).map((p) => [p.start, p]));
      const expired = [...entries.keys()].filter((start) => start + P <= cutoff);
      const changed = [...this.dirty].filter((start) => start + P > cutoff).sort((a, b) => a - b);
      const sameLog = (this.manifest?.log.bytes ?? 0) === bytes;
      if (changed.length === 0 && expired.length === 0 && sameLog) return;

      mkdirSync(this.dir, { recursive: true });
      const generation = this.generation + 1;
      for (const start of changed) {
        const entry = this.writePartition(store, start, generation);
        if (entry) entries.set(start, entry);
        else entries.delete(start); // retention emptied it
      }
      for (const start of expired) entries.delete(start);
      this.commit(
        newManifest({
          generation,
          partitionMs: P,
          log: markLog(file, bytes),
          completeFrom: Number.isFinite(cutoff) ? cutoff : null,
          series: Array.from(store.allSeries(), (s): [string, Record<string, string>] => [s.name, s.tags]),
          partitions: [...entries.values()].sort((a, b) => a.start - b.start),
        }),
      );
      this.dirty.clear();
    } catch (err) {
      this.opts.log(`warning: segment snapshot failed, the log stays the record (the next start replays more of it): ${(err as Error).message}`);
    }
  }

  /**
   * Retention on disk while running: forget and delete the partitions entirely older than what the
   * store pruned. Safe at any time: the remaining segments plus the log still hold every point
   * from the new `completeFrom` on.
   */
  expire(store: SeriesStore): void {
    const current = this.manifest;
    if (!current) return;
    const cutoff = store.prunedBefore;
    const keep = current.partitions.filter((p) => p.start + this.opts.partitionMs > cutoff);
    if (keep.length === current.partitions.length) return;
    try {
      const completeFrom = Math.max(current.completeFrom ?? -Infinity, cutoff);
      this.commit({ ...current, generation: this.generation + 1, completeFrom, partitions: keep });
    } catch (err) {
      this.opts.log(`warning: could not delete expired segments: ${(err as Error).message}`);
    }
  }

  /** The manifest on disk now (tests, tools). */
  current(): Manifest | undefined {
    return this.manifest;
  }

  private writePartition(store: SeriesStore, start: number, generation: number): PartitionEntry | undefined {
    const end = start + this.opts.partitionMs;
    const series: SegmentSeries[] = [];
    let points = 0;
    for (const s of store.allSeries()) {
      const from = s.columns.lowerBound(start);
      const to = s.columns.lowerBound(end);
      if (to === from) continue;
      series.push({ name: s.name, tags: s.tags, ...s.columns.view(from, to) });
      points += to - from;
    }
    if (points === 0) return undefined;
    const buf = encodeSegment(start, this.opts.partitionMs, series);
    const file = segmentFileName(start, generation);
    writeFileAtomic(this.dir, file, buf);
    return { start, file, bytes: buf.length, points, sha256: sha256(buf) };
  }

  /** Make the new segment files durable, switch the manifest atomically, then delete what it no longer names. */
  private commit(manifest: Manifest): void {
    syncDir(this.dir);
    writeFileAtomic(this.dir, MANIFEST_FILE, Buffer.from(JSON.stringify(manifest)));
    syncDir(this.dir);
    this.manifest = manifest;
    this.generation = manifest.generation;
    const keep = new Set(manifest.partitions.map((p) => p.file));
    for (const f of readdirSync(this.dir)) {
      if ((isSegmentFileName(f) && !keep.has(f)) || f.endsWith(TMP_SUFFIX)) rmSync(path.join(this.dir, f), { force: true });
    }
  }

  /** The manifest and decoded partitions to load, or undefined (with a warning if segments existed but cannot be used). */
  private readSegments(cutoff: number): { manifest: Manifest; parts: SegmentSeries[][] } | undefined {
    const manifestFile = path.join(this.dir, MANIFEST_FILE);
    if (!existsSync(manifestFile)) return undefined;
    try {
      const manifest = parseManifest(readFileSync(manifestFile, 'utf8'), MANIFEST_FILE);
      this.generation = manifest.generation; // new files must not reuse names this manifest lists
      const P = this.opts.partitionMs;
      if (manifest.partitionMs !== P) throw new Unusable(`they use ${manifest.partitionMs} ms partitions, the service ${P} ms`);
      if (manifest.completeFrom !== null && cutoff < manifest.completeFrom) {
        throw new Unusable(`retention dropped points before ${new Date(manifest.completeFrom).toISOString()} from them, and the retention now keeps older ones`);
      }
      const mismatch = logMismatch(this.opts.dataFile, manifest.log);
      if (mismatch) throw new Unusable(mismatch);
      const parts: SegmentSeries[][] = [];
      for (const p of manifest.partitions) {
        if (p.start + P <= cutoff) continue; // entirely older than the retention: not loaded, deleted by the next snapshot
        const buf = readFileSync(path.join(this.dir, p.file));
        if (buf.length !== p.bytes || sha256(buf) !== p.sha256) throw new Unusable(`${p.file} does not match its checksum (torn or corrupt)`);
        parts.push(decodeSegment(buf, { start: p.start, partitionMs: P }, p.file));
      }
      return { manifest, parts };
    } catch (err) {
      this.opts.log(`warning: segments in ${this.dir} ignored, replaying the whole log: ${(err as Error).message}`);
      try {
        rmSync(manifestFile, { force: true }); // never use them later either; the next snapshot rewrites everything
      } catch {
        // still unusable next time: the same checks fail again
      }
      return undefined;
    }
  }
}
