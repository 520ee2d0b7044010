import { randomBytes } from 'node:crypto';
import { Events, type JetStreamClient, type NatsConnection, type NatsError } from 'nats';
import type { Metric } from '../../../starter/src/ingest/metric.ts';
import { HttpError } from '../../../starter/src/http/errors.ts';
import { OverloadError } from '../../../starter/src/lib/overload.ts';
import { WriterClosedError } from '../../../starter/src/storage/writer-errors.ts';
import type { MetricWriter } from '../../../starter/src/storage/writer.ts';
import type { StoredBatch } from '../batch.ts';
import { connectNats, encodeBatch, METRICS_STREAM, subjectFor } from './stream.ts';

/** JetStream cannot be reached (down, electing a leader for longer than we wait): 503, retry soon. */
export class QueueUnavailableError extends OverloadError {
  override name = 'QueueUnavailableError';
  constructor(override readonly cause: Error | undefined) {
    super(`queue unavailable: JetStream did not acknowledge the batch${cause ? ` (${cause.message})` : ''}`, 'queue_unavailable', 1);
  }
}

/** The stream holds its max_bytes of batches not yet stored: ClickHouse is behind. 503, retry later. */
export class StreamFullError extends OverloadError {
  override name = 'StreamFullError';
  constructor(override readonly cause: Error) {
    super(`queue full: JetStream refused the batch (${cause.message})`, 'queue_full', 2);
  }
}

/**
 * The batch, encoded, exceeds the server's max_payload: sending it again will not help, so a 413
 * rather than a 503. Our servers allow 8 MB, far above what a 1 MiB request body becomes.
 */
export class BatchTooLargeError extends HttpError {
  override readonly name = 'BatchTooLargeError';
  constructor(bytes: number, limit: number) {
    super(413, { error: 'batch_too_large', limit, reason: `the batch is ${bytes} bytes on the queue, more than its ${limit}-byte message limit: send fewer metrics per request` });
  }
}

export interface JetStreamWriterOptions {
  /** This ingest node's name; batch ids are `<nodeId>-<incarnation>-<n>`. */
  nodeId: string;
  partitions: number;
  /** Longest wait for one publish's ack. */
  publishTimeoutMs?: number;
  /** Longest a write() keeps retrying (same message id) before it fails with a 503, counted from the write() call. */
  retryBudgetMs?: number;
  /**
   * Publishes awaiting their ack at once (default: no limit). At the limit, write()s wait and leave
   * together, as one message (group commit): under load one R3 round trip carries many requests'
   * metrics, which is what bounds a JetStream stream's throughput (its cost is per message).
   */
  maxInFlight?: number;
  log?: (line: string) => void;
}

export interface JetStreamWriterStats {
  /** write() calls acknowledged. */
  writes: number;
  /** Messages acknowledged (a message carries one write, or several grouped). */
  batches: number;
  metrics: number;
  /** Publishes sent again after a timeout or no-responders (leader election, reconnect). */
  retries: number;
  /** Acks that said `duplicate`: a retry of a publish JetStream had already stored. */
  duplicates: number;
  failed: number;
}

const DEFAULT_PUBLISH_TIMEOUT_MS = 1000;
/**
 * Batch ids sort as strings in ClickHouse (ORDER BY ..., batch, seq): zero-padding keeps one node's
 * batches in the order they were accepted, which decides `rate` between points of equal timestamp.
 */
const COUNTER_DIGITS = 12;
const DEFAULT_RETRY_BUDGET_MS = 5000;
/** A group stops growing at this many metrics (a message stays far below the servers' 8 MB max_payload). */
const MAX_GROUP_METRICS = 5000;

/** A write() waiting for its message's ack. */
interface PendingWrite {
  metrics: Metric[];
  resolve(): void;
  reject(err: unknown): void;
}

/** write()s for one subject that leave as one message; the deadline is the first one's. */
interface Group {
  subject: string;
  writes: PendingWrite[];
  metrics: number;
  deadline: number;
}

/**
 * The ingest node's MetricWriter: write() resolves once JetStream acknowledged the batch (stored on
 * the stream leader for R1, on a quorum of replicas for R3), and rejects with an OverloadError (503)
 * otherwise, within `retryBudgetMs` plus one publish timeout: never a hang.
 *
 * No durable(): `?ack=durable` promises "on disk" (fsynced), and nats-server 2.9 acks before any
 * fsync (it syncs on an interval). An R3 ack survives kill -9 of any one node, not a power cut of
 * the quorum, so the writer does not offer durable() and the service refuses `?ack=durable` (400)
 * instead of claiming more than is true.
 *
 * A 503 means "not acknowledged", not "not stored": a publish whose ack was lost may still be in
 * the stream. Retries within one write() reuse the message id, so JetStream stores them once; a
 * client's own retry after a 503 is a new batch.
 */
export class JetStreamWriter implements MetricWriter {
  private readonly js: JetStreamClient;
  /**
   * Batch ids are `<idPrefix>-<n>`, n = 1, 2, ... (zero-padded) in the order write() is called. The prefix is
   * unique per process start: a restarted node with the same nodeId must not reuse ids (JetStream
   * would drop its batches as duplicates, ClickHouse would replace rows with them).
   */
  readonly idPrefix: string;
  private counter = 0;
  private closed = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxInFlight: number;
  /** Groups closed (full) and waiting for a slot, oldest first; then the open one of each subject. */
  private readonly ready: Group[] = [];
  private readonly open = new Map<string, Group>();
  /** When the connection was lost, while it is; undefined while connected. */
  private disconnectedAt: number | undefined;
  private readonly reconnectWaiters = new Set<() => void>();
  private readonly publishTimeoutMs: number;
  private readonly retryBudgetMs: number;
  private readonly counters: JetStreamWriterStats = { writes: 0, batches: 0, metrics: 0, retries: 0, duplicates: 0, failed: 0 };

  /** Connect to `servers` and return a writer that owns (and closes) the connection. */
  static async connect(servers: string[], opts: JetStreamWriterOptions): Promise<JetStreamWriter> {
    const nc = await connectNats(servers, `ingest-${opts.nodeId}`);
    return new JetStreamWriter(nc, opts, true);
  }

  constructor(
    private readonly nc: NatsConnection,
    private readonly opts: JetStreamWriterOptions,
    private readonly ownsConnection = false,
  ) {
    if (!Number.isInteger(opts.partitions) || opts.partitions < 1) throw new RangeError(`partitions must be a positive integer (got ${opts.partitions})`);
    this.js = nc.jetstream();
    this.idPrefix = `${opts.nodeId}-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    this.publishTimeoutMs = opts.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS;
    this.retryBudgetMs = opts.retryBudgetMs ?? DEFAULT_RETRY_BUDGET_MS;
    this.maxInFlight = opts.maxInFlight ?? Infinity;
    void this.watchConnection();
  }

  /** The id of the n-th message published (1-based): without grouping, of the n-th write(). */
  batchId(n: number): string {
    return `${this.idPrefix}-${String(n).padStart(COUNTER_DIGITS, '0')}`;
  }

  stats(): JetStreamWriterStats {
    return { ...this.counters };
  }

  /** Resolves once JetStream acknowledged the batch; a batch goes to its first metric's client's partition. */
  write(batch: Metric[]): Promise<void> {
    if (this.closed) return Promise.reject(new WriterClosedError());
    if (batch.length === 0) return Promise.resolve();
    const subject = subjectFor(batch[0]!.client, this.opts.partitions);
    return new Promise<void>((resolve, reject) => {
      const write: PendingWrite = { metrics: batch, resolve, reject };
      const deadline = Date.now() + this.retryBudgetMs;
      // A free slot and nobody waiting: off at once, alone (no added latency when the load is light).
      if (this.inFlight.size < this.maxInFlight && this.ready.length === 0 && this.open.size === 0) return this.send({ subject, writes: [write], metrics: batch.length, deadline });
      let group = this.open.get(subject);
      if (group && group.metrics + batch.length > MAX_GROUP_METRICS) {
        this.ready.push(group);
        group = undefined;
      }
      if (!group) this.open.set(subject, (group = { subject, writes: [], metrics: 0, deadline }));
      group.writes.push(write);
      group.metrics += batch.length;
    });
  }

  /** Publish a group as one message; its writes settle with the ack (or the failure). Then the next group. */
  private send(group: Group): void {
    const metrics = group.writes.length === 1 ? group.writes[0]!.metrics : group.writes.flatMap((w) => w.metrics);
    const stored: StoredBatch = { id: this.batchId(++this.counter), metrics };
    const done = this.publish(group.subject, stored, group.deadline).then(
      () => {
        this.counters.writes += group.writes.length;
        this.counters.batches++;
        this.counters.metrics += metrics.length;
        for (const w of group.writes) w.resolve();
      },
      (err: unknown) => {
        // Too large together, maybe not alone: each write on its own (each may still be too large).
        if (err instanceof BatchTooLargeError && group.writes.length > 1) {
          for (const w of group.writes) this.send({ ...group, writes: [w], metrics: w.metrics.length });
          return;
        }
        this.counters.failed += group.writes.length;
        for (const w of group.writes) w.reject(err);
      },
    );
    const tracked: Promise<void> = done.finally(() => {
      this.inFlight.delete(tracked);
      this.pump();
    });
    this.inFlight.add(tracked);
  }

  /** Fill the free slots with waiting groups, oldest first. */
  private pump(): void {
    while (this.inFlight.size < this.maxInFlight) {
      let group = this.ready.shift();
      if (!group) {
        const first = this.open.entries().next();
        if (first.done) return;
        this.open.delete(first.value[0]);
        group = first.value[1];
      }
      this.send(group);
    }
  }

  /** Every batch published at once (each with its own id and retries); one outcome each, in order. */
  async writeAll(batches: readonly Metric[][]): Promise<(Error | undefined)[]> {
    return Promise.all(batches.map((b) => this.write(b).then(() => undefined, (err: unknown) => toError(err))));
  }

  /** Waits for the writes in flight and waiting (each bounded), then closes the connection if the writer opened it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    if (this.ownsConnection) await this.nc.close();
  }

  /** Publish with the batch id as message id, retried on the errors a leader election or a reconnect gives. */
  private async publish(subject: string, batch: StoredBatch, deadline: number): Promise<void> {
    const payload = encodeBatch(batch);
    const limit = this.nc.info?.max_payload;
    if (limit !== undefined && payload.length > limit) throw new BatchTooLargeError(payload.length, limit);
    let last: Error | undefined;
    for (let attempt = 0; ; attempt++) {
      // While disconnected, publishing would only queue the batch in the client's buffer, to be sent
      // after we answered 503: wait for the reconnect instead, or fail at once if it is long gone.
      if (this.disconnectedAt !== undefined) {
        if (Date.now() - this.disconnectedAt >= this.retryBudgetMs) throw new QueueUnavailableError(last ?? new Error('not connected to NATS'));
        await this.untilReconnected(deadline - Date.now());
        if (this.disconnectedAt !== undefined) throw new QueueUnavailableError(last ?? new Error('not connected to NATS'));
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new QueueUnavailableError(last);
      if (attempt > 0) this.counters.retries++;
      try {
        const ack = await this.js.publish(subject, payload, { msgID: batch.id, timeout: Math.min(this.publishTimeoutMs, Math.max(left, 100)), expect: { streamName: METRICS_STREAM } });
        if (ack.duplicate) this.counters.duplicates++;
        return;
      } catch (err) {
        last = toError(err);
        const kind = classify(err);
        if (kind === 'full') throw new StreamFullError(last);
        if (kind === 'fatal') throw new QueueUnavailableError(last);
        await sleep(Math.min(50 * 2 ** Math.min(attempt, 4), Math.max(deadline - Date.now(), 0)));
      }
    }
  }

  private untilReconnected(withinMs: number): Promise<void> {
    if (withinMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.reconnectWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, withinMs);
      this.reconnectWaiters.add(done);
    });
  }

  private async watchConnection(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === Events.Disconnect) this.disconnectedAt ??= Date.now();
      else if (s.type === Events.Reconnect) {
        this.disconnectedAt = undefined;
        for (const wake of [...this.reconnectWaiters]) wake();
      }
    }
  }
}

/**
 * retry: the publish may succeed if sent again (no responders or no answer: a stream leader is
 * being elected, the connection is being re-established; a JetStream 503 "temporarily unavailable").
 * full: the stream is at its limits. fatal: anything else (closed connection, stream missing).
 */
function classify(err: unknown): 'retry' | 'full' | 'fatal' {
  const e = err as Partial<NatsError>;
  const api = e.api_error;
  if (api) {
    if (/maximum (bytes|messages)|resource limits exceeded|insufficient resources/i.test(api.description)) return 'full';
    return api.code === 503 ? 'retry' : 'fatal';
  }
  return e.code === '503' || e.code === 'TIMEOUT' || e.code === 'DISCONNECT' || e.code === 'CONNECTION_REFUSED' ? 'retry' : 'fatal';
}

/** The error, its message made readable: nats.js says just "503" for a JetStream API error. */
function toError(err: unknown): Error {
  if (!(err instanceof Error)) return new Error(String(err));
  const api = (err as Partial<NatsError>).api_error;
  if (api) err.message = `${api.description} (${api.code}, err_code ${api.err_code ?? '?'})`;
  else if (err.message === '503') err.message = 'no responders (503)';
  return err;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
