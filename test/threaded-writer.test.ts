import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Metric } from '../starter/src/ingest/metric.ts';
import type * as OverloadModule from '../starter/src/lib/overload.ts';
import type * as LineFormatModule from '../starter/src/storage/line-format.ts';
import type * as ThreadedWriterModule from '../starter/src/storage/threaded-writer.ts';
import { fromTree } from './support/service.ts';

// The finished service's writer: phase 2's AsyncWriter on a thread of its own. It must answer as
// that writer does (taken, or refused with a 503-worthy error), keep the order, and never hang.
let ThreadedWriter: typeof ThreadedWriterModule.ThreadedWriter;
let isOverloadError: typeof OverloadModule.isOverloadError;
let decodeLine: typeof LineFormatModule.decodeLine;
beforeAll(async () => {
  ({ ThreadedWriter } = await fromTree<typeof ThreadedWriterModule>('storage/threaded-writer.ts'));
  ({ isOverloadError } = await fromTree<typeof OverloadModule>('lib/overload.ts'));
  ({ decodeLine } = await fromTree<typeof LineFormatModule>('storage/line-format.ts'));
});

let dir: string;
let dataFile: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ms-threaded-'));
  dataFile = path.join(dir, 'metrics.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const metric = (i: number, client = 'c'): Metric => ({ name: `m${i % 3}`, value: i, timestamp: 1_758_116_723_000 + i, tags: { host: `h${i % 2}` }, client });
const batch = (from: number, n: number, client?: string): Metric[] => Array.from({ length: n }, (_, i) => metric(from + i, client));
const linesOf = (file: string): Metric[] => readFileSync(file, 'utf8').split('\n').filter(Boolean).map(decodeLine);
const settings = (over: { queueMax?: number; diskLatencyMs?: number } = {}) => ({ dataFile, diskLatencyMs: 0, queueMax: 100_000, flushIntervalMs: 5, ...over });

describe('ThreadedWriter', () => {
  it('takes every batch and, after close(), the log holds them all in the order they were handed over', async () => {
    const w = new ThreadedWriter(settings(), () => {});
    const first = w.writeAll([batch(0, 3, 'a'), batch(3, 1, 'b')]);
    const second = w.writeAll([batch(4, 500, 'c')]);
    await w.write(batch(504, 2, 'd'));
    expect(await first).toEqual([undefined, undefined]);
    expect(await second).toEqual([undefined]);
    await w.close();
    expect(linesOf(dataFile)).toEqual([...batch(0, 3, 'a'), ...batch(3, 1, 'b'), ...batch(4, 500, 'c'), ...batch(504, 2, 'd')]);
  });

  it('refuses a batch the writer has no room for with the same 503-worthy error, and takes the others', async () => {
    // A slow disk keeps the first batch pending; the bound is 10 metrics.
    const w = new ThreadedWriter(settings({ queueMax: 10, diskLatencyMs: 300 }), () => {});
    const [a, b, c] = await w.writeAll([batch(0, 6), batch(6, 6), batch(12, 4)]);
    expect(a).toBeUndefined();
    expect(b?.name).toBe('QueueFullError');
    expect(isOverloadError(b)).toBe(true);
    expect(b).toMatchObject({ code: 'queue_full', retryAfterSec: expect.any(Number) });
    expect(c).toBeUndefined();
    await w.close();
    expect(linesOf(dataFile).map((m) => m.value)).toEqual([...batch(0, 6), ...batch(12, 4)].map((m) => m.value));
  });

  it('refuses writes once close() started, and close() waits for what it took', async () => {
    const w = new ThreadedWriter(settings({ diskLatencyMs: 50 }), () => {});
    const taken = w.write(batch(0, 5));
    const closed = w.close();
    await expect(w.write(batch(5, 1))).rejects.toMatchObject({ name: 'WriterClosedError' });
    await taken;
    await closed;
    expect(linesOf(dataFile)).toHaveLength(5);
  });

  it('answers writes in flight with an error if its thread dies, instead of leaving requests hanging', async () => {
    const logs: string[] = [];
    const w = new ThreadedWriter(settings({ diskLatencyMs: 200 }), (line) => logs.push(line));
    await w.write(batch(0, 1));
    // Posted after terminate() began, so the thread can never answer it (a write posted just
    // before could still be taken first, which would make this test a race).
    const dying = (w as unknown as { host: { thread: Worker } }).host.thread.terminate();
    const inFlight = w.writeAll([batch(1, 1)]);
    await dying;
    const [err] = await inFlight;
    expect(err?.message).toMatch(/writer thread/);
    await expect(w.write(batch(2, 1))).rejects.toThrow(/writer thread/);
    await expect(w.close()).rejects.toThrow(/writer thread/);
    expect(logs).toEqual([expect.stringMatching(/^storage: the writer thread exited .*refused$/)]); // the operator is told once
  });
});
