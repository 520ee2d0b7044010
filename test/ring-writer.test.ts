import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Metric } from '../starter/src/ingest/metric.ts';
import type * as OverloadModule from '../starter/src/lib/overload.ts';
import type * as LineFormatModule from '../starter/src/storage/line-format.ts';
import type * as RingWriterModule from '../starter/src/storage/ring-writer.ts';
import { fromTree } from './support/service.ts';

// The finished service's writer fed through phase 5's ring: it must take a batch whole or refuse it
// whole with a 503-worthy error, keep the order across series defined on the way, and never hang.
let RingWriter: typeof RingWriterModule.RingWriter;
let isOverloadError: typeof OverloadModule.isOverloadError;
let decodeLine: typeof LineFormatModule.decodeLine;
beforeAll(async () => {
  ({ RingWriter } = await fromTree<typeof RingWriterModule>('storage/ring-writer.ts'));
  ({ isOverloadError } = await fromTree<typeof OverloadModule>('lib/overload.ts'));
  ({ decodeLine } = await fromTree<typeof LineFormatModule>('storage/line-format.ts'));
});

let dir: string;
let dataFile: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ms-ring-writer-'));
  dataFile = path.join(dir, 'metrics.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const metric = (i: number, client = 'c', series = i % 3): Metric => ({ name: `m${series}`, value: i, timestamp: 1_758_116_723_000 + i, tags: { host: `h${i % 2}` }, client });
const batch = (from: number, n: number, client?: string): Metric[] => Array.from({ length: n }, (_, i) => metric(from + i, client));
const linesOf = (file: string): Metric[] => readFileSync(file, 'utf8').split('\n').filter(Boolean).map(decodeLine);
/** The thread moved everything out of the ring into its writer. Polled, not slept: a loaded machine starts the thread late. */
const untilRingEmpty = async (w: object): Promise<void> => {
  const ring = (w as { ring: { size(): number } }).ring;
  for (let i = 0; i < 1_000 && ring.size() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(ring.size(), 'the writer thread never drained the ring').toBe(0);
};
/**
 * A writer with an 8-metric queue whose thread already holds 8 metrics for one slow flush
 * (`diskLatencyMs`), so its 8-slot ring is empty and will get no room until that flush is done.
 */
const writerHolding8 = async (diskLatencyMs: number, waitForRoomMs: number): Promise<InstanceType<typeof RingWriter>> => {
  const w = new RingWriter(settings({ queueMax: 8, diskLatencyMs }), () => {}, { waitForRoomMs });
  await w.write(batch(0, 8));
  await untilRingEmpty(w);
  return w;
};
const settings = (over: { queueMax?: number; diskLatencyMs?: number; dataFile?: string } = {}) => ({ dataFile, diskLatencyMs: 0, queueMax: 100_000, flushIntervalMs: 5, ...over });

describe('RingWriter', () => {
  it('takes every batch and, after close(), the log holds them all in order, also while new series keep arriving', async () => {
    const w = new RingWriter(settings(), () => {});
    const written: Metric[] = [];
    // 2,000 batches, each with a series never seen before: its definition (a message) races its records (the ring).
    for (let b = 0; b < 2_000; b++) {
      const next = Array.from({ length: 3 }, (_, i) => metric(b * 3 + i, `client-${b}`, b));
      await w.write(next);
      written.push(...next);
    }
    await w.close();
    expect(linesOf(dataFile)).toEqual(written);
  });

  it('writes each metric under its own name, tags and client when batches share frozen tags objects, as the byte parser makes them', async () => {
    const w = new RingWriter(settings(), () => {});
    const shared = Object.freeze({ host: 'h0' });
    const other = Object.freeze({ host: 'h1' });
    const at = (i: number, name: string, tags: Record<string, string>, client: string): Metric => ({ name, value: i, timestamp: 1_758_116_723_000 + i, tags, client });
    const written = [
      at(0, 'cpu', shared, 'a'), at(1, 'cpu', shared, 'a'), at(2, 'mem', shared, 'a'), at(3, 'cpu', other, 'a'),
      at(4, 'cpu', shared, 'b'), at(5, 'cpu', shared, 'a'), at(6, 'cpu', { host: 'h0' }, 'b'), at(7, 'mem', other, 'b'),
    ];
    await w.write(written.slice(0, 4));
    await w.write(written.slice(4));
    await w.close();
    expect(linesOf(dataFile)).toEqual(written);
  });

  it('refuses a batch there is no room for with the same 503-worthy error, whole, and takes the next that fits', async () => {
    // A slow disk keeps the writer full (8 pending), so the ring (8 slots) fills and stays full
    // for longer than a batch may wait for room.
    const w = await writerHolding8(400, 50);
    await w.write(batch(8, 8));
    const refused = await w.write(batch(16, 1)).then(() => undefined, (err: unknown) => err as Error & { code?: string });
    expect(refused?.name).toBe('QueueFullError');
    expect(isOverloadError(refused)).toBe(true);
    expect(refused).toMatchObject({ code: 'queue_full', retryAfterSec: expect.any(Number) });
    await w.close();
    expect(linesOf(dataFile).map((m) => m.value)).toEqual(batch(0, 16).map((m) => m.value));
  });

  it('writeAll takes or refuses each batch of a turn whole, in order', async () => {
    const w = await writerHolding8(400, 50);
    const outcomes = await w.writeAll([batch(8, 6), batch(14, 6), batch(20, 2)]);
    expect(outcomes.map((o) => o?.name)).toEqual([undefined, 'QueueFullError', undefined]);
    await w.close();
    expect(linesOf(dataFile).map((m) => m.value)).toEqual([...batch(0, 14), ...batch(20, 2)].map((m) => m.value));
  });

  it('lets a batch that finds no room wait for the writer to make room, and takes it: no 503 for one flush', async () => {
    const w = await writerHolding8(100, 5_000);
    await w.write(batch(8, 8)); // the ring is full
    await expect(w.write(batch(16, 4))).resolves.toBeUndefined(); // taken once the flush made room
    await w.close();
    expect(linesOf(dataFile).map((m) => m.value)).toEqual(batch(0, 20).map((m) => m.value));
  });

  it('serves waiting batches first come first served: a small batch that would fit does not overtake a waiting one', async () => {
    const w = await writerHolding8(100, 5_000);
    await w.write(batch(8, 6)); // 2 slots left
    const big = w.write(batch(14, 4)); // waits for room
    const small = w.write(batch(18, 1)); // would fit now, but queues behind it
    await Promise.all([big, small]);
    await w.close();
    expect(linesOf(dataFile).map((m) => m.value)).toEqual(batch(0, 19).map((m) => m.value));
  });

  it('refuses at once what would make more than its queue bound wait, and refuses the waiting batches on close()', async () => {
    const w = await writerHolding8(2_000, 60_000);
    await w.write(batch(8, 8)); // the ring is full for 2 s
    const waiting = w.write(batch(16, 8)).then(() => undefined, (err: unknown) => err as Error);
    const started = performance.now();
    await expect(w.write(batch(24, 1))).rejects.toMatchObject({ name: 'QueueFullError', code: 'queue_full' }); // 9 > 8 waiting
    expect(performance.now() - started, 'refused without waiting').toBeLessThan(1_000);
    const closed = w.close();
    expect((await waiting)?.name).toBe('WriterClosedError'); // never taken: no 200
    await closed;
    expect(linesOf(dataFile).map((m) => m.value)).toEqual(batch(0, 16).map((m) => m.value));
  });

  it('refuses writes once close() started, and close() waits for what it took', async () => {
    const w = new RingWriter(settings({ diskLatencyMs: 50 }), () => {});
    await w.write(batch(0, 5));
    const closed = w.close();
    await expect(w.write(batch(5, 1))).rejects.toMatchObject({ name: 'WriterClosedError' });
    await closed;
    expect(linesOf(dataFile)).toHaveLength(5);
  });

  it('refuses every write once its thread dies, and close() says why instead of hanging', async () => {
    const logs: string[] = [];
    const w = new RingWriter(settings({ diskLatencyMs: 200 }), (line) => logs.push(line));
    await w.write(batch(0, 1));
    await (w as unknown as { host: { thread: Worker } }).host.thread.terminate();
    await expect(w.write(batch(1, 1))).rejects.toThrow(/writer thread/);
    await expect(w.close()).rejects.toThrow(/writer thread/);
    expect(logs).toEqual([expect.stringMatching(/^storage: the writer thread exited .*refused$/)]); // the operator is told once
  });

  it('refuses writes with a 503 once its writer gave up on the disk, never a 200 for what cannot be stored', { timeout: 20_000 }, async () => {
    const logs: string[] = [];
    const w = new RingWriter(settings({ dataFile: path.join(dir, 'no-such-dir', 'metrics.jsonl') }), (line) => logs.push(line));
    await w.write(batch(0, 1)); // taken: the disk has not failed yet
    let refused: unknown;
    for (let i = 0; i < 150 && !refused; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      refused = await w.write(batch(1 + i, 1)).then(() => undefined, (err: unknown) => err);
    }
    expect(isOverloadError(refused), String(refused)).toBe(true);
    expect(String(refused)).toMatch(/storage failed/);
    await expect(w.close()).rejects.toThrow();
    expect(logs.some((l) => l.includes('write attempt'))).toBe(true);
  });
});
