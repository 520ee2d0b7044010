import {
  AckPolicy,
  connect,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  nanos,
  type ConsumerConfig,
  type JetStreamManager,
  type NatsConnection,
  type StreamConfig,
} from 'nats';
import type { StoredBatch } from '../batch.ts';

/**
 * The JetStream stream between ingest and store nodes: its config, its subjects, the durable
 * consumer reading it, and the format of its messages.
 *
 * Retention is a work queue: a message is deleted once the `store` consumer acked it, i.e. once it
 * is in ClickHouse. JetStream is then a buffer (its size is what ClickHouse has not taken yet), not
 * a second copy of the data; ClickHouse replicates what it stores. A work queue allows one consumer
 * per subject, which is what we want: every store node pulls from the same durable `store`.
 *
 * Discard is `new`: when the stream holds `max_bytes`, a publish is refused (the ingest node answers
 * 503) instead of JetStream deleting the oldest accepted batches to make room.
 */
export const METRICS_STREAM = 'METRICS';
export const METRICS_SUBJECT_PREFIX = 'metrics';
/** The durable pull consumer every store node shares. */
export const STORE_CONSUMER = 'store';
/** A publish retried with the same message id within this window is stored once. */
export const DUPLICATE_WINDOW_MS = 2 * 60_000;
/** What the stream may hold before publishes are refused: unconsumed batches, not history. */
export const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;
/** A delivered batch not acked within this is delivered again (to any store node). */
export const ACK_WAIT_MS = 10_000;
/** Unacked messages the store consumer may hold at once: bounds a store node's memory. */
export const MAX_ACK_PENDING = 2_000;

export interface MetricsStreamOptions {
  replicas: 1 | 3;
  partitions: number;
  maxBytes?: number;
}

/** The subject of a client's batches: one of `metrics.0 .. metrics.<partitions-1>`, stable per client. */
export function subjectFor(client: string, partitions: number): string {
  return `${METRICS_SUBJECT_PREFIX}.${fnv1a(client) % partitions}`;
}

/** 32-bit FNV-1a over UTF-16 code units: stable across processes and versions, cheap, well spread. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function metricsStreamConfig(opts: MetricsStreamOptions): Partial<StreamConfig> & { name: string } {
  if (!Number.isInteger(opts.partitions) || opts.partitions < 1) throw new RangeError(`partitions must be a positive integer (got ${opts.partitions})`);
  return {
    name: METRICS_STREAM,
    // One subject per partition, listed, so a subject outside the range is not silently stored.
    subjects: Array.from({ length: opts.partitions }, (_, p) => `${METRICS_SUBJECT_PREFIX}.${p}`),
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    discard: DiscardPolicy.New,
    max_bytes: opts.maxBytes ?? DEFAULT_MAX_BYTES,
    num_replicas: opts.replicas,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
  };
}

/** Create the stream, or bring an existing one to this config (replicas, partitions, size). Idempotent. */
export async function ensureMetricsStream(jsm: JetStreamManager, opts: MetricsStreamOptions): Promise<void> {
  const config = metricsStreamConfig(opts);
  try {
    await jsm.streams.info(METRICS_STREAM);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await jsm.streams.add(config);
    return;
  }
  await jsm.streams.update(METRICS_STREAM, config);
}

export function storeConsumerConfig(): Partial<ConsumerConfig> {
  return {
    durable_name: STORE_CONSUMER,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(ACK_WAIT_MS),
    max_ack_pending: MAX_ACK_PENDING,
    // No filter: the consumer reads every partition (a work queue refuses overlapping consumers).
  };
}

/** The durable pull consumer `store`, created if absent. Idempotent. */
export async function ensureStoreConsumer(jsm: JetStreamManager): Promise<void> {
  try {
    await jsm.consumers.info(METRICS_STREAM, STORE_CONSUMER);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await jsm.consumers.add(METRICS_STREAM, storeConsumerConfig());
  }
}

/**
 * A connection that never gives up: reconnects forever, every 250 ms, and notices a silent server
 * within ~10 s (pings every 5 s, 2 unanswered). Callers bound their own requests with timeouts.
 */
export function connectNats(servers: string[], name: string): Promise<NatsConnection> {
  return connect({ servers, name, reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 250, pingInterval: 5000, maxPingOut: 2, timeout: 2000 });
}

function isNotFound(err: unknown): boolean {
  const apiCode = (err as { api_error?: { code?: number } }).api_error?.code;
  return apiCode === 404 || /not found/i.test((err as Error).message ?? '');
}

/** A stream message's payload: the batch as JSON (UTF-8). */
export function encodeBatch(batch: StoredBatch): Uint8Array {
  return textEncoder.encode(JSON.stringify(batch));
}

/**
 * The batch in a stream message, checked field by field: a message that is not one (a stray
 * publish, a bug) must be recognised here and set aside, never reach ClickHouse and fail there on
 * every redelivery. Throws MalformedBatchError.
 */
export function decodeBatch(data: Uint8Array): StoredBatch {
  let value: unknown;
  try {
    value = JSON.parse(textDecoder.decode(data));
  } catch (err) {
    throw new MalformedBatchError(`not JSON (${(err as Error).message})`);
  }
  const b = value as Partial<StoredBatch> | null;
  if (typeof b !== 'object' || b === null) throw new MalformedBatchError('not an object');
  if (typeof b.id !== 'string' || b.id === '') throw new MalformedBatchError('no id');
  if (!Array.isArray(b.metrics)) throw new MalformedBatchError(`batch ${b.id}: metrics is not an array`);
  b.metrics.forEach((m, i) => {
    const why = metricProblem(m);
    if (why) throw new MalformedBatchError(`batch ${b.id}: metric ${i} ${why}`);
  });
  return { id: b.id, metrics: b.metrics };
}

export class MalformedBatchError extends Error {
  override name = 'MalformedBatchError';
}

function metricProblem(m: unknown): string | undefined {
  if (typeof m !== 'object' || m === null) return 'is not an object';
  const r = m as Record<string, unknown>;
  if (typeof r.name !== 'string') return 'has no name';
  if (typeof r.value !== 'number' || !Number.isFinite(r.value)) return 'has no finite value';
  if (typeof r.timestamp !== 'number' || !Number.isFinite(r.timestamp)) return 'has no timestamp';
  if (typeof r.client !== 'string') return 'has no client';
  if (typeof r.tags !== 'object' || r.tags === null || Array.isArray(r.tags)) return 'has no tags object';
  for (const v of Object.values(r.tags)) if (typeof v !== 'string') return 'has a tag that is not a string';
  return undefined;
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });
