import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * What both peer servers share: their flags, MetricStream's own validation (loaded from a built
 * tree, so "the same validation" is literally the same code), a batched appender, and shutdown.
 * A peer is what a competent Node developer writes without the course: JSON.parse on the event
 * loop, one process, one thread.
 */

export interface PeerFlags {
  port: number;
  host: string;
  dataFile: string;
  /** A built MetricStream tree (`npm run tree`), whose validate.ts the peer uses. */
  tree: string;
  maxBodyBytes: number;
}

export function peerFlags(argv: readonly string[]): PeerFlags {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-file': { type: 'string', default: 'metrics.jsonl' },
      tree: { type: 'string' },
      'max-body-bytes': { type: 'string', default: String(1024 * 1024) },
    },
  });
  if (!values.tree) throw new Error('--tree <dir> is required: a built MetricStream tree (npm run tree -- --phase 7 --variant solution)');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be 0..65535, got "${values.port}"`);
  return { port, host: values.host!, dataFile: values['data-file']!, tree: values.tree, maxBodyBytes: Number(values['max-body-bytes']) };
}

export interface PeerMetric {
  name: string;
  value: number;
  timestamp: number;
  tags: Record<string, string>;
  client: string;
}
type Validate = (raw: unknown, ctx: { client: string; now: number }) => PeerMetric[];

export async function loadValidation(tree: string): Promise<Validate> {
  const mod = (await import(pathToFileURL(path.join(tree, 'starter/src/ingest/validate.ts')).href)) as { validatePayload: Validate };
  return mod.validatePayload;
}

/** Client id as MetricStream reads it, so both store the same lines. */
export function clientOf(headers: Record<string, string | string[] | undefined>): string {
  const id = headers['x-client-id'];
  if (typeof id === 'string' && id !== '') return id;
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7);
  return 'anonymous';
}

/**
 * Group commit: append() queues lines and returns at once (as MetricStream's writer does); one
 * loop writes everything queued so far with one write + one fsync per batch. synced() resolves once
 * everything appended so far is fsynced: what `?ack=durable` waits for, many requests per fsync.
 * close() drains.
 */
export class BatchedAppender {
  private lines: string[] = [];
  /** Appends so far, and how many of them are known fsynced. */
  private appends = 0;
  private syncedAppends = 0;
  private waiters: Array<{ upTo: number; resolve: () => void; reject: (err: Error) => void }> = [];
  private flushing: Promise<void> | undefined;
  private constructor(private readonly file: FileHandle) {}

  static async open(file: string): Promise<BatchedAppender> {
    return new BatchedAppender(await open(file, 'a'));
  }

  append(metrics: readonly PeerMetric[]): void {
    for (const m of metrics) this.lines.push(JSON.stringify(m));
    this.appends++;
    this.flushing ??= this.flushLoop();
  }

  /** Resolves when every append so far is on disk (fsynced). */
  synced(): Promise<void> {
    if (this.syncedAppends >= this.appends) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ upTo: this.appends, resolve, reject }));
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.lines.length > 0) {
        const batch = this.lines;
        const upTo = this.appends;
        this.lines = [];
        await this.file.write(batch.join('\n') + '\n');
        await this.file.sync();
        this.syncedAppends = upTo;
        this.waiters = this.waiters.filter((w) => (w.upTo <= upTo ? void w.resolve() : true));
      }
    } catch (err) {
      for (const w of this.waiters) w.reject(err as Error);
      this.waiters = [];
    } finally {
      this.flushing = undefined;
    }
  }

  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.file.close();
  }
}

/** SIGTERM/SIGINT: stop accepting, write what was accepted, exit 0. */
export function exitOnSignal(stop: () => Promise<void>): void {
  const onSignal = (): void => {
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`error during shutdown: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

export const badRequest = (err: unknown): { status: number; body: { error: string; message: string } } => {
  const name = (err as Error).name;
  const error = name === 'ValidationError' ? 'invalid_metric' : 'invalid_json';
  return { status: 400, body: { error, message: (err as Error).message } };
};
