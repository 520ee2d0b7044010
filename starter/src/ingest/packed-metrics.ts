// Level 7 · provided: read it, don't change it.
import type { Metric } from './metric.ts';
import { tagsJson } from './tags-json.ts';

/**
 * Metrics on their way to another thread in the finished service (pool worker -> event loop, event
 * loop -> writer thread): the distinct names, tag sets and clients once, then two typed arrays.
 * Structured clone of one object per metric (five fields, a tags object, fresh strings) costs the
 * sending and the receiving thread about as much as parsing the metrics did; typed arrays clone as
 * one copy of their bytes (docs/performance.md).
 */
export interface PackedMetrics {
  names: string[];
  /** JSON of each distinct tags object, in its key order. */
  tagSets: string[];
  clients: string[];
  /** Per metric i of n: `refs[i]` indexes `names`, `refs[n + i]` `tagSets`, `refs[2n + i]` `clients`. */
  refs: Uint32Array;
  /** Per metric i of n: `columns[i]` is the value, `columns[n + i]` the timestamp. */
  columns: Float64Array;
}

/** Pack one or more batches, in order, as one list. */
export function packMetrics(batches: readonly (readonly Metric[])[]): PackedMetrics {
  let n = 0;
  for (const b of batches) n += b.length;
  const refs = new Uint32Array(3 * n);
  const columns = new Float64Array(2 * n);
  const out: PackedMetrics = { names: [], tagSets: [], clients: [], refs, columns };
  const names = new Indexer(out.names);
  const tagSets = new Indexer(out.tagSets);
  const clients = new Indexer(out.clients);
  let i = 0;
  for (const batch of batches) {
    for (const m of batch) {
      refs[i] = names.of(m.name);
      refs[n + i] = tagSets.of(tagsJson(m.tags));
      refs[2 * n + i] = clients.of(m.client);
      columns[i] = m.value;
      columns[n + i] = m.timestamp;
      i++;
    }
  }
  return out;
}

/** Position of each distinct string in `list`, adding it on first sight. */
class Indexer {
  private readonly ids = new Map<string, number>();
  private last: string | undefined;
  private lastId = 0;
  constructor(private readonly list: string[]) {}

  of(s: string): number {
    if (s === this.last) return this.lastId; // runs of one name / tag set / client are the common case
    let id = this.ids.get(s);
    if (id === undefined) this.ids.set(s, (id = this.list.push(s) - 1));
    this.last = s;
    this.lastId = id;
    return id;
  }
}

/**
 * Receiving side: names, clients and tag sets seen before come back as the same string and the same
 * frozen tags object as last time, so the store and the log keep finding them by identity (see
 * SeriesStore.seriesForShared, line-format.ts). Bounded: past CACHE_MAX entries a cache starts over.
 */
const CACHE_MAX = 4_096;
const stringsSeen = new Map<string, string>();
const tagsSeen = new Map<string, Readonly<Record<string, string>>>();

function canonical(s: string): string {
  const known = stringsSeen.get(s);
  if (known !== undefined) return known;
  if (stringsSeen.size >= CACHE_MAX) stringsSeen.clear();
  stringsSeen.set(s, s);
  return s;
}

function sharedTagsOf(json: string): Record<string, string> {
  let tags = tagsSeen.get(json);
  if (tags === undefined) {
    if (tagsSeen.size >= CACHE_MAX) tagsSeen.clear();
    // JSON.parse makes "__proto__" an own key, as the parsers do, so the object equals the sender's.
    tagsSeen.set(json, (tags = Object.freeze(JSON.parse(json) as Record<string, string>)));
  }
  return tags as Record<string, string>;
}

export function unpackMetrics(p: PackedMetrics): Metric[] {
  const n = p.columns.length / 2;
  const names = p.names.map(canonical);
  const tags = p.tagSets.map(sharedTagsOf);
  const clients = p.clients.map(canonical);
  const { refs, columns } = p;
  const out: Metric[] = [];
  for (let i = 0; i < n; i++) {
    out.push({ name: names[refs[i]!]!, value: columns[i]!, timestamp: columns[n + i]!, tags: tags[refs[n + i]!]!, client: clients[refs[2 * n + i]!]! });
  }
  return out;
}
