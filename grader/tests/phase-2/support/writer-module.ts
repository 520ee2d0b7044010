import { importTarget } from '../../../src/harness/target.ts';

/**
 * The learner's phase-2 modules as the tests use them. Declared here (not imported from starter/)
 * because the tests grade whatever tree MS_TARGET points at.
 */
export interface TestMetric {
  name: string;
  value: number;
  timestamp: number;
  tags: Record<string, string>;
  client: string;
}

export interface SinkLike {
  appendAndSync(data: string): Promise<void>;
  close(): Promise<void>;
}

export interface WriterStats {
  pending: number;
  written: number;
  batches: number;
  refused: number;
  writeErrors: number;
}

export interface WriterUnderTest {
  write(batch: readonly TestMetric[]): Promise<void>;
  close(): Promise<void>;
  stats(): WriterStats;
}

export interface WriterOptions {
  maxQueue?: number;
  maxBatch?: number;
  flushIntervalMs?: number;
  maxAttempts?: number;
  retryDelayMs?: number;
  onError?: (err: Error, attempt: number) => void;
}

interface AsyncWriterModule {
  AsyncWriter: new (sink: SinkLike, options?: WriterOptions) => WriterUnderTest;
}
interface FileSinkModule {
  FileSink: new (path: string) => SinkLike;
}

export async function newWriter(sink: SinkLike, options: WriterOptions): Promise<WriterUnderTest> {
  const { AsyncWriter } = await importTarget<AsyncWriterModule>('src/storage/async-writer.ts');
  return new AsyncWriter(sink, options);
}

export async function newFileSink(path: string): Promise<SinkLike> {
  const { FileSink } = await importTarget<FileSinkModule>('src/storage/write-sink.ts');
  return new FileSink(path);
}

/** A metric whose tags carry its client's sequence number, so order and duplicates can be checked. */
export function seqMetric(client: string, seq: number): TestMetric {
  return { name: 'queue_test', value: seq, timestamp: 1_700_000_000_000 + seq, tags: { seq: String(seq) }, client };
}

/** Error name, also for errors that are not `Error` instances. */
export const errorName = (err: unknown): string =>
  typeof err === 'object' && err !== null && typeof (err as { name?: unknown }).name === 'string'
    ? (err as { name: string }).name
    : typeof err;
