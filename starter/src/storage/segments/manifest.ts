// Level 7 · provided: read it, don't change it.
import type { LogMark } from './log-mark.ts';

/** The one file that says which segment files count; replaced atomically, so a snapshot is all or nothing. */
export const MANIFEST_FILE = 'manifest.json';
const FORMAT = 'metricstream-segments';
const VERSION = 1;

export interface PartitionEntry {
  /** Epoch ms of the partition's first instant; it holds the points with start <= t < start + partitionMs. */
  start: number;
  file: string;
  bytes: number;
  points: number;
  /** Of the whole file: a torn or corrupt file is detected before any of it is used. */
  sha256: string;
}

export interface Manifest {
  format: typeof FORMAT;
  version: typeof VERSION;
  /** Bumped by every write; new segment files carry it in their name, so a live file is never overwritten. */
  generation: number;
  partitionMs: number;
  /** The segments hold every point of the log's first `log.bytes` bytes (see completeFrom). */
  log: LogMark;
  /** Points older than this were dropped by retention and may be missing; null = nothing dropped. */
  completeFrom: number | null;
  /** Every series in the order the store first saw it, so a restart lists them as a full replay would. */
  series: Array<[string, Record<string, string>]>;
  partitions: PartitionEntry[];
}

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

export const segmentFileName = (start: number, generation: number): string => `p-${start}-g${generation}.seg`;
const SEGMENT_NAME = /^p-(-?\d+)-g(\d+)\.seg$/;

export function newManifest(fields: Omit<Manifest, 'format' | 'version'>): Manifest {
  return { format: FORMAT, version: VERSION, ...fields };
}

/** Parse and check a manifest; throws ManifestError naming the first problem. */
export function parseManifest(text: string, source: string): Manifest {
  let m: Manifest;
  try {
    m = JSON.parse(text) as Manifest;
  } catch {
    throw new ManifestError(`${source} is not valid JSON (torn?)`);
  }
  checkManifest(m, source);
  return m;
}

function checkManifest(m: Manifest, source: string): void {
  const fail = (reason: string): never => {
    throw new ManifestError(`${source} ${reason}`);
  };
  if (typeof m !== 'object' || m === null || m.format !== FORMAT || m.version !== VERSION) fail(`is not a ${FORMAT} v${VERSION} manifest`);
  const isInt = (n: unknown, min: number): boolean => Number.isSafeInteger(n) && (n as number) >= min;
  if (!isInt(m.generation, 0) || !isInt(m.partitionMs, 1)) fail('has a bad generation or partitionMs');
  const log = m.log as Partial<LogMark> | undefined;
  if (!log || !isInt(log.bytes, 0) || typeof log.head !== 'string' || typeof log.tail !== 'string') fail('has a bad log mark');
  if (m.completeFrom !== null && typeof m.completeFrom !== 'number') fail('has a bad completeFrom');
  if (!Array.isArray(m.series) || !m.series.every((s) => Array.isArray(s) && typeof s[0] === 'string' && typeof s[1] === 'object' && s[1] !== null)) {
    fail('has a bad series list');
  }
  if (!Array.isArray(m.partitions)) fail('has no partition list');
  let previous = -Infinity;
  for (const p of m.partitions) {
    const name = typeof p?.file === 'string' ? SEGMENT_NAME.exec(p.file) : null;
    // The file name is checked so a manifest can only ever point inside its own directory.
    if (!name || Number(name[1]) !== p.start || p.start % m.partitionMs !== 0 || p.start <= previous) fail(`has a bad partition entry ${JSON.stringify(p)}`);
    if (!isInt(p.bytes, 0) || !isInt(p.points, 1) || typeof p.sha256 !== 'string') fail(`has a bad partition entry ${JSON.stringify(p)}`);
    previous = p.start;
  }
}

/** Whether `file` is a segment file name (what a cleanup may delete when no manifest names it). */
export const isSegmentFileName = (file: string): boolean => SEGMENT_NAME.test(file);
