import type { ConsumerMessages, JetStreamClient, JsMsg, NatsConnection } from 'nats';
import type { StoredBatch } from '../batch.ts';
import { ACK_WAIT_MS, decodeBatch, ensureStoreConsumer, METRICS_STREAM, STORE_CONSUMER } from './stream.ts';

export interface BatchConsumerOptions {
  /** Where batches go (the ClickHouse insert). Must tolerate a batch it has seen (redelivery). */
  sink: (batches: StoredBatch[]) => Promise<void>;
  /** Most messages handed to one sink call. */
  maxBatch?: number;
  /** Longest a message waits for more to fill its sink call. */
  lingerMs?: number;
  /** Backoff after a failed sink call: doubles from min to max, reset by a success. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  log?: (line: string) => void;
}

export interface BatchConsumerStats {
  /** Batches and metrics the sink took (a redelivered batch counts again). */
  batches: number;
  metrics: number;
  /**
   * Messages JetStream marked as redelivered (not acked in time, nak'd, acks lost). Not every
   * repeat: after kill -9 of a single node the consumer's state (written lazily) can roll back, and
   * batches already acked come again as first deliveries. The sink must be idempotent by batch id.
   */
  redeliveries: number;
  /** Messages that were not a batch: terminated, never retried. */
  malformed: number;
  sinkFailures: number;
}

const DEFAULT_MAX_BATCH = 500;
const DEFAULT_LINGER_MS = 150;
/**
 * Each pull request lives this long, with server heartbeats every half of it. When the consumer's
 * leader dies, its pending pull dies with it, and the client notices only after two missed
 * heartbeats: with the default 30 s that stalled the store nodes ~30 s after a NATS node failure.
 */
const PULL_EXPIRES_MS = 5000;
/** Longest wait for the acks to reach the server before moving on (unconfirmed acks mean redelivery, not loss). */
const ACK_FLUSH_TIMEOUT_MS = 2000;

/**
 * A store node's reader of the METRICS stream through the durable pull consumer `store`: gathers up
 * to `maxBatch` messages (or what came within `lingerMs`), hands the decoded batches to the sink,
 * and acks them only after the sink resolved. A failed sink call acks nothing: its messages are
 * nak'd with the current backoff and come back (at least once; the sink dedups by batch id).
 * No max_deliver: while ClickHouse is down batches wait in the stream (bounded by its max_bytes,
 * which then turns into 503s at ingest) rather than being dropped.
 */
export class BatchConsumer {
  private readonly js: JetStreamClient;
  private readonly maxBatch: number;
  private readonly lingerMs: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly log: (line: string) => void;
  private readonly counters: BatchConsumerStats = { batches: 0, metrics: 0, redeliveries: 0, malformed: 0, sinkFailures: 0 };
  private buffer: JsMsg[] = [];
  private wake: (() => void) | undefined;
  private messages: ConsumerMessages | undefined;
  private stopping = false;
  private loops: Promise<unknown> | undefined;
  private backoffMs = 0;
  private readonly stopped: Promise<void>;
  private signalStop: () => void = () => undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly opts: BatchConsumerOptions,
  ) {
    this.js = nc.jetstream();
    this.maxBatch = opts.maxBatch ?? DEFAULT_MAX_BATCH;
    this.lingerMs = opts.lingerMs ?? DEFAULT_LINGER_MS;
    this.minBackoffMs = opts.minBackoffMs ?? 200;
    this.maxBackoffMs = opts.maxBackoffMs ?? 5000;
    this.log = opts.log ?? ((line) => console.warn(line));
    this.stopped = new Promise((resolve) => (this.signalStop = resolve));
  }

  stats(): BatchConsumerStats {
    return { ...this.counters };
  }

  /** Creates the durable consumer if absent (the stream must exist), then consumes until stop(). */
  async start(): Promise<void> {
    if (this.loops) return;
    await ensureStoreConsumer(await this.nc.jetstreamManager());
    this.loops = Promise.all([this.pullLoop(), this.batchLoop()]);
  }

  /** Stops pulling, lets the sink call in progress finish and ack, and hands back what was not started. */
  async stop(): Promise<void> {
    if (this.stopping) return void (await this.loops);
    this.stopping = true;
    this.signalStop();
    this.messages?.stop();
    this.wake?.();
    await this.loops;
    // Not handed to the sink: back to JetStream now, for another store node, not after ack_wait.
    for (const m of this.buffer.splice(0)) m.nak();
    await this.flushAcks();
  }

  /** Keeps one `consume()` running; it survives reconnects itself, this restarts it when it ends with an error. */
  private async pullLoop(): Promise<void> {
    let delay = this.minBackoffMs;
    while (!this.stopping) {
      try {
        const consumer = await this.js.consumers.get(METRICS_STREAM, STORE_CONSUMER);
        const messages = await consumer.consume({ max_messages: this.maxBatch, expires: PULL_EXPIRES_MS, callback: (m) => this.take(m) });
        this.messages = messages;
        if (this.stopping) messages.stop();
        void this.logStatus(messages).catch(() => undefined);
        const since = Date.now();
        const ended = await messages.closed();
        if (this.stopping) break;
        if (Date.now() - since > 10 * this.maxBackoffMs) delay = this.minBackoffMs; // it had been working
        this.log(`jetstream consumer: consume ended (${ended instanceof Error ? ended.message : 'closed'}); restarting in ${delay} ms`);
        await this.pause(delay);
        delay = Math.min(delay * 2, this.maxBackoffMs);
      } catch (err) {
        if (this.stopping) break;
        this.log(`jetstream consumer: cannot consume (${(err as Error).message}); retrying in ${delay} ms`);
        await this.pause(delay);
        delay = Math.min(delay * 2, this.maxBackoffMs);
      }
    }
  }

  private async logStatus(messages: ConsumerMessages): Promise<void> {
    for await (const s of await messages.status()) {
      if (s.type === 'heartbeats_missed' || s.type === 'consumer_not_found' || s.type === 'stream_not_found' || s.type === 'consumer_deleted') {
        this.log(`jetstream consumer: ${s.type} (${String(s.data)})`);
      }
    }
  }

  private take(m: JsMsg): void {
    if (this.stopping) return void m.nak();
    this.buffer.push(m);
    this.wake?.();
  }

  /** Waits for a first message, then up to lingerMs for a full batch, and handles it. */
  private async batchLoop(): Promise<void> {
    while (!this.stopping) {
      if (this.buffer.length === 0) await this.until(() => this.buffer.length > 0);
      if (this.buffer.length < this.maxBatch) await this.until(() => this.buffer.length >= this.maxBatch, this.lingerMs);
      if (this.stopping) break;
      await this.handle(this.buffer.splice(0, this.maxBatch));
      if (this.backoffMs > 0) await this.pause(this.backoffMs);
    }
  }

  /** Resolves when done() holds (checked at each new message), after withinMs, or on stop(). */
  private until(done: () => boolean, withinMs?: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      if (done() || this.stopping) return finish();
      if (withinMs !== undefined) timer = setTimeout(finish, withinMs);
      this.wake = () => {
        if (done() || this.stopping) finish();
      };
    });
  }

  /** A backoff that stop() cuts short. */
  private pause(ms: number): Promise<void> {
    return Promise.race([sleep(ms), this.stopped]);
  }

  private async handle(msgs: JsMsg[]): Promise<void> {
    const batches: StoredBatch[] = [];
    const good: JsMsg[] = [];
    const seen = new Set<string>();
    for (const m of msgs) {
      if (m.redelivered) this.counters.redeliveries++;
      let batch: StoredBatch;
      try {
        batch = decodeBatch(m.data);
      } catch (err) {
        this.counters.malformed++;
        this.log(`jetstream consumer: terminated message ${m.seq} on ${m.subject}: ${(err as Error).message}`);
        m.term();
        continue;
      }
      good.push(m);
      // The same batch twice in one call (redelivered while it waited here): insert it once.
      if (!seen.has(batch.id)) {
        seen.add(batch.id);
        batches.push(batch);
      }
    }
    if (good.length === 0) return void (await this.flushAcks());
    // A slow sink must not let ack_wait expire and the batches go to another store node meanwhile.
    const keepAlive = setInterval(() => good.forEach((m) => m.working()), ACK_WAIT_MS / 3);
    try {
      await this.opts.sink(batches);
    } catch (err) {
      this.counters.sinkFailures++;
      this.backoffMs = Math.min(Math.max(this.backoffMs * 2, this.minBackoffMs), this.maxBackoffMs);
      this.log(`jetstream consumer: sink failed for ${batches.length} batches (${(err as Error).message}); redelivery in ${this.backoffMs} ms`);
      for (const m of good) m.nak(this.backoffMs);
      return;
    } finally {
      clearInterval(keepAlive);
    }
    this.backoffMs = 0;
    this.counters.batches += batches.length;
    this.counters.metrics += batches.reduce((n, b) => n + b.metrics.length, 0);
    for (const m of good) m.ack();
    await this.flushAcks();
  }

  /** Acks are fire-and-forget: a flush makes sure they left, bounded so an outage cannot stall the loop. */
  private async flushAcks(): Promise<void> {
    if (this.nc.isClosed()) return;
    await Promise.race([this.nc.flush().catch(() => undefined), sleep(ACK_FLUSH_TIMEOUT_MS)]);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
