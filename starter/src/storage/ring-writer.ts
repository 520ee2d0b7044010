// Level 7 · provided: read it, don't change it.
import type { Metric } from '../ingest/metric.ts';
import { tagsJson } from '../ingest/tags-json.ts';
import { OverloadError } from '../lib/overload.ts';
import { SpscRing, TAIL, type MetricRecord } from '../sync/spsc-ring.ts';
import { FAILED, SLEEPING, STATUS_WORDS, type FromRingThread, type RingThreadData, type ToRingThread } from './ring-protocol.ts';
import type { WriterConfig } from './create-writer.ts';
import { writerErrorFromWire } from './writer-thread-protocol.ts';
import { QueueFullError, WriterClosedError } from './writer-errors.ts';
import { untilWritten } from './durable-ack.ts';
import { WriterThreadHost } from './writer-thread-host.ts';
import type { MetricWriter } from './writer.ts';

/** Largest ring: 2^22 records of 24 bytes (96 MiB). */
const MAX_RING = 1 << 22;
/**
 * How long a batch may wait for room before it is refused. The thread makes room once per flush of
 * its writer, so a full ring is often only a flush away: a request that waits that long is answered
 * 200, as a server that writes inline would answer it a little later. A writer behind for longer
 * than this (a slow or failing disk) gets 503s with Retry-After.
 */
export const WAIT_FOR_ROOM_MS = 250;
/** How often waiting batches look for room (the thread publishes it in the ring's head index). */
const ROOM_POLL_MS = 1;

/** push(): the ring has no room for the batch now. */
const NO_ROOM = Symbol('no room');

interface Waiting {
  batch: readonly Metric[];
  since: number;
  settle: (err: Error | undefined) => void;
}

/**
 * The finished service's writer, fed through phase 5's lock-free ring: the event loop copies each
 * batch into an SPSC ring in shared memory and wakes the writer thread with Atomics.notify; the
 * thread (ring-writer-thread.ts) pops the records and hands them to phase 2's AsyncWriter. A batch
 * is taken whole when the ring has room for it — that is the writer taking it, as with the other
 * writers: a 200 means it is in the writer's bounded memory, on its way to disk. A batch that finds
 * no room waits for it, first come first served, up to WAIT_FOR_ROOM_MS, and is refused whole with a
 * QueueFullError (503) only then: back pressure for a writer that stays behind, not for one flush.
 * No message and no answer per batch: the request is answered as soon as its records are published.
 */
export class RingWriter implements MetricWriter {
  private readonly host: WriterThreadHost<ToRingThread, FromRingThread>;
  private readonly ring: SpscRing;
  private readonly ctrl: Int32Array;
  private readonly status: Int32Array;
  private readonly written = new BigInt64Array(new SharedArrayBuffer(8));
  /** Metrics pushed so far: the thread writes them in this order, so `written` reaching it means all are on disk. */
  private pushed = 0;
  private readonly ids = new Map<string, number>();
  /** Ids by frozen (shared) tags object, then name, then client: see seriesId. */
  private readonly idsByTags = new WeakMap<Record<string, string>, Map<string, Map<string, number>>>();
  private readonly scratch: MetricRecord[] = [];
  /** Batches waiting for room, oldest first; at most queueMax metrics (more are refused at once). */
  private readonly waiting: Waiting[] = [];
  private waitingMetrics = 0;
  private roomTimer: NodeJS.Timeout | undefined;
  private readonly waitForRoomMs: number;
  private readonly queueMax: number;

  /** `waitForRoomMs`: how long a batch may wait for room (tests shorten it). */
  constructor(config: WriterConfig, log: (line: string) => void, o: { waitForRoomMs?: number } = {}) {
    this.waitForRoomMs = o.waitForRoomMs ?? WAIT_FOR_ROOM_MS;
    this.queueMax = config.queueMax;
    // The ring holds up to queueMax records (rounded up to a power of two), the thread's writer as many again.
    this.ring = SpscRing.create(Math.min(MAX_RING, 2 ** Math.ceil(Math.log2(Math.max(2, config.queueMax)))));
    this.ctrl = new Int32Array(this.ring.buffer, 0, TAIL + 1);
    this.status = new Int32Array(new SharedArrayBuffer(STATUS_WORDS * 4));
    const data: RingThreadData = { ...config, ring: this.ring.buffer, status: this.status.buffer as SharedArrayBuffer, written: this.written.buffer as SharedArrayBuffer };
    this.host = new WriterThreadHost<ToRingThread, FromRingThread>(new URL('./ring-writer-thread.ts', import.meta.url), data, log, (msg) => {
      if (msg.type === 'failed') this.host.fail(writerErrorFromWire(msg.error));
    });
  }

  async write(batch: readonly Metric[]): Promise<void> {
    const err = await this.take(batch);
    this.wake();
    if (err) throw err;
  }

  /**
   * Every batch the storage consumer took in one turn of the event loop: each is taken or refused
   * whole, then the thread is woken once. Answering a turn's requests together, as the message
   * hand-over does, costs the event loop less per response than answering each at once.
   */
  async writeAll(batches: readonly Metric[][]): Promise<(Error | undefined)[]> {
    const outcomes = batches.map((b) => this.take(b));
    this.wake();
    return Promise.all(outcomes);
  }

  /** Push the batch now, or queue it behind the batches already waiting for room. */
  private take(batch: readonly Metric[]): Error | undefined | Promise<Error | undefined> {
    const err = this.waiting.length > 0 ? NO_ROOM : this.push(batch);
    if (err !== NO_ROOM) return err;
    if (this.waitingMetrics + batch.length > this.queueMax) return this.queueFull(batch);
    return new Promise((settle) => {
      this.waiting.push({ batch, since: performance.now(), settle });
      this.waitingMetrics += batch.length;
      this.roomTimer ??= setTimeout(() => this.admitWaiting(), ROOM_POLL_MS);
    });
  }

  /** Push the waiting batches that fit now, in order; refuse those that waited too long. */
  private admitWaiting(): void {
    this.roomTimer = undefined;
    const now = performance.now();
    while (this.waiting.length > 0) {
      const first = this.waiting[0]!;
      const err = this.push(first.batch);
      if (err === NO_ROOM && now - first.since < this.waitForRoomMs) break;
      this.waiting.shift();
      this.waitingMetrics -= first.batch.length;
      first.settle(err === NO_ROOM ? this.queueFull(first.batch) : err);
    }
    this.wake();
    if (this.waiting.length > 0) this.roomTimer = setTimeout(() => this.admitWaiting(), ROOM_POLL_MS);
  }

  /** Refused: the ring and the waiting room (queueMax metrics) together are the bound the message names. */
  private queueFull(batch: readonly Metric[]): QueueFullError {
    return new QueueFullError(this.ring.size() + this.waitingMetrics, batch.length, this.ring.capacity + this.queueMax);
  }

  /** Copy one batch into the ring, or say why not (NO_ROOM: it may fit once the thread made room). */
  private push(batch: readonly Metric[]): Error | typeof NO_ROOM | undefined {
    // The thread raises FAILED before its message arrives: refuse at once, never a 200 for a dead writer.
    if (!this.host.dead && Atomics.load(this.status, FAILED) !== 0) this.host.fail(new OverloadError('storage failed: the writer thread gave up on the disk', 'storage_failed', 5));
    if (this.host.dead) return this.host.dead;
    if (this.host.isClosing) return new WriterClosedError();
    // Only this thread pushes, so the room seen here can only grow before the push below.
    const held = this.ring.size();
    if (batch.length > this.ring.capacity - held) return batch.length > this.ring.capacity ? new QueueFullError(held, batch.length, this.ring.capacity) : NO_ROOM;
    let last: Metric | undefined;
    let id = 0;
    for (let i = 0; i < batch.length; i++) {
      const m = batch[i]!;
      const r = this.scratch[i] ?? (this.scratch[i] = { seriesId: 0, seq: 0, value: 0, timestamp: 0 });
      // Batches often repeat one series back to back: the same tags object, name and client, the same id.
      if (!last || m.tags !== last.tags || m.name !== last.name || m.client !== last.client) id = this.seriesId(m);
      last = m;
      r.seriesId = id;
      r.value = m.value;
      r.timestamp = m.timestamp;
    }
    this.ring.pushBatch(this.scratch, 0, batch.length);
    this.pushed += batch.length;
    return undefined;
  }

  /** Resolves when everything pushed so far is on disk, as the thread publishes it. */
  async durable(): Promise<void> {
    const dead = (): Error | undefined => this.host.dead;
    if (dead()) throw dead();
    await untilWritten(() => (dead() ? Infinity : Number(Atomics.load(this.written, 0))), this.pushed);
    if (dead()) throw dead();
  }

  /** The thread sets SLEEPING, then checks the tail, then sleeps: it sees our pushes, or this load sees it asleep. */
  private wake(): void {
    if (Atomics.load(this.status, SLEEPING) !== 0) Atomics.notify(this.ctrl, TAIL);
  }

  close(): Promise<void> {
    // Batches still waiting for room are refused (503) with WriterClosedError's reason: they were never taken.
    if (this.roomTimer) clearTimeout(this.roomTimer);
    this.roomTimer = undefined;
    for (const w of this.waiting.splice(0)) w.settle(new WriterClosedError());
    this.waitingMetrics = 0;
    return this.host.close({ type: 'close' }, () => Atomics.notify(this.ctrl, TAIL)); // a thread asleep on an empty ring wakes up to see it
  }

  /**
   * The series' id. Frozen tags are shared by every metric that sent the same tag set
   * (ingest/byte-parser.ts) and cannot change, so their ids are remembered per object instead of
   * building and hashing a key string for each metric (the main thread's largest cost at 100
   * metrics/request); a WeakMap, so tags objects nobody holds any more take their entries with them.
   */
  private seriesId(m: Metric): number {
    if (!Object.isFrozen(m.tags)) return this.seriesIdByKey(m);
    let byName = this.idsByTags.get(m.tags);
    if (!byName) this.idsByTags.set(m.tags, (byName = new Map()));
    let byClient = byName.get(m.name);
    if (!byClient) byName.set(m.name, (byClient = new Map()));
    let id = byClient.get(m.client);
    if (id === undefined) byClient.set(m.client, (id = this.seriesIdByKey(m)));
    return id;
  }

  /** The series' id by its key, defined to the thread (before any record of it is published) the first time it is seen. */
  private seriesIdByKey(m: Metric): number {
    const key = `${m.client}\u0000${m.name}\u0000${tagsJson(m.tags)}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(key, id);
      this.host.post({ type: 'series', series: { id, name: m.name, tags: m.tags, client: m.client } });
    }
    return id;
  }
}
