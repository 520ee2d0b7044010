import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { withDeadline } from '../../src/harness/deadline.ts';
import { rng, seedTag } from '../../src/harness/random.ts';
import { checkSequences } from './support/lines.ts';
import { MemorySink } from './support/sinks.ts';
import { errorName, newFileSink, newWriter, seqMetric, type WriterUnderTest } from './support/writer-module.ts';
import { postSequences, startLevel2 } from './support/service.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempFile = (): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ms-p2-drain-'));
  dirs.push(dir);
  return path.join(dir, 'metrics.jsonl');
};
const readLines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);

/** `clients` producers writing small batches, interleaved at random, each numbering its own metrics. */
async function produce(writer: WriterUnderTest, clients: number, perClient: number, random: () => number): Promise<Map<string, number>> {
  const expected = new Map<string, number>();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const client = `client-${c}`;
      expected.set(client, perClient);
      for (let seq = 0; seq < perClient; ) {
        const size = Math.min(perClient - seq, 1 + Math.floor(random() * 5));
        const batch = Array.from({ length: size }, (_, k) => seqMetric(client, seq + k));
        await withDeadline(writer.write(batch), 2_000, `write() of ${client}'s batch (a write must not wait for the disk)`);
        seq += size;
        if (random() < 0.3) await new Promise((resolve) => setImmediate(resolve));
      }
    }),
  );
  return expected;
}

test('N concurrent writes then close(): exactly N lines, valid JSON, per-client order', async () => {
  const file = tempFile();
  // A long flush interval: what is still queued when close() is called must be written BY close().
  const writer = await newWriter(await newFileSink(file), { maxQueue: 10_000, maxBatch: 64, flushIntervalMs: 60_000 });
  const expected = await produce(writer, 8, 250, rng());
  await withDeadline(writer.close(), 5_000, 'close() did not finish draining the queue');
  const problem = checkSequences(readLines(file), expected);
  expect(problem, `After 8 clients wrote 250 metrics each and close() resolved: ${problem} ${seedTag()}`).toBeUndefined();
});

test('close() with metrics still queued and the flush timer far away writes them all', async () => {
  const file = tempFile();
  const writer = await newWriter(await newFileSink(file), { maxQueue: 1_000, maxBatch: 1_000, flushIntervalMs: 60_000 });
  await writer.write([seqMetric('solo', 0), seqMetric('solo', 1), seqMetric('solo', 2)]);
  await withDeadline(writer.close(), 5_000, 'close() did not finish draining 3 queued metrics');
  const problem = checkSequences(readLines(file), new Map([['solo', 3]]));
  expect(problem, `3 metrics were queued, then close(): ${problem}`).toBeUndefined();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const key = (line: string): string => {
  try {
    const rec = JSON.parse(line) as { client?: unknown; tags?: { seq?: unknown } };
    return `${String(rec.client)}#${String(rec.tags?.seq)}`;
  } catch {
    return `(not JSON: ${line.slice(0, 60)})`;
  }
};

test('lines reach the disk in the order write() accepted them, across clients (one FIFO queue, batches from its head)', async () => {
  const sink = new MemorySink();
  const writer = await newWriter(sink, { maxQueue: 10_000, maxBatch: 7, flushIntervalMs: 5 });
  const random = rng();
  const accepted: string[] = [];
  const next = new Map<string, number>();
  await Promise.all(
    Array.from({ length: 4 }, async (_, c) => {
      const client = `client-${c}`;
      for (let r = 0; r < 40; r++) {
        const from = next.get(client) ?? 0;
        const batch = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, k) => seqMetric(client, from + k));
        next.set(client, from + batch.length);
        // write() enqueues when called: the call order is the order of acceptance.
        accepted.push(...batch.map((m) => `${client}#${m.tags.seq}`));
        await withDeadline(writer.write(batch), 2_000, `write() of ${client}'s batch (a write must not wait for the disk)`);
        if (random() < 0.3) await sleep(1);
      }
    }),
  );
  await withDeadline(writer.close(), 5_000, 'close() did not finish draining the queue');
  const got = sink.lines.map(key);
  const i = accepted.findIndex((k, j) => got[j] !== k);
  if (i >= 0 || got.length !== accepted.length) {
    expect.fail(
      `Expected the ${accepted.length} lines in the order write() accepted them; line ${i + 1} is ${got[i] ?? '(missing)'}, expected ${accepted[i] ?? '(no more lines)'} ` +
        `(${got.length} lines in all): push at the tail, take each batch from the head, write it as it is ${seedTag()}`,
    );
  }
});

test('write() after close() started is refused with WriterClosedError; everything accepted before is written', async () => {
  const sink = new MemorySink();
  sink.stall();
  const writer = await newWriter(sink, { maxQueue: 1_000, maxBatch: 5, flushIntervalMs: 10 });
  await writer.write(Array.from({ length: 8 }, (_, k) => seqMetric('before', k)));
  const closing = writer.close();
  closing.catch(() => undefined);
  let refused: unknown;
  try {
    await withDeadline(writer.write([seqMetric('after', 0)]), 1_000, 'write() after close()');
  } catch (err) {
    refused = err;
  }
  expect(
    errorName(refused),
    `Expected write() after close() started to be refused with WriterClosedError (the writer takes no more metrics while it drains), got ${refused === undefined ? 'it accepted' : String(refused)}`,
  ).toBe('WriterClosedError');
  sink.release();
  await withDeadline(closing, 5_000, 'close() after the disk came back');
  const problem = checkSequences(sink.lines, new Map([['before', 8]]));
  expect(problem, `8 metrics were accepted, then close(), then a write() that must be refused: ${problem}`).toBeUndefined();
});

test('close() called twice: the second call too resolves only once everything is written, and the sink is closed after the drain', async () => {
  const sink = new MemorySink();
  sink.stall();
  const writer = await newWriter(sink, { maxQueue: 1_000, maxBatch: 4, flushIntervalMs: 10 });
  await writer.write(Array.from({ length: 6 }, (_, k) => seqMetric('twice', k)));
  const done = { first: false, second: false };
  const first = writer.close().then(() => void (done.first = true));
  const second = writer.close().then(() => void (done.second = true));
  first.catch(() => undefined);
  second.catch(() => undefined);
  await sleep(150);
  expect(done.second, 'Expected the second close() to wait for the drain like the first (6 accepted metrics wait for a stalled disk), but it resolved at once').toBe(false);
  expect(done.first, 'Expected close() not to resolve while 6 accepted metrics wait for a stalled disk').toBe(false);
  expect(sink.closed, 'Expected the sink to stay open while accepted metrics are still to be written: close it after the loop drained the queue').toBe(false);
  sink.release();
  await withDeadline(Promise.all([first, second]), 5_000, 'close() (twice) after the disk came back');
  const problem = checkSequences(sink.lines, new Map([['twice', 6]]));
  expect(problem, `6 metrics were queued, then close() twice: ${problem}`).toBeUndefined();
  expect(sink.closed, 'Expected close() to close the sink once the queue is drained').toBe(true);
});

test('close() of a writer that never got a metric resolves promptly and closes the sink', async () => {
  const sink = new MemorySink();
  const writer = await newWriter(sink, { maxQueue: 1_000, maxBatch: 1_000, flushIntervalMs: 60_000 });
  await withDeadline(writer.close(), 1_000, 'close() of an idle writer (the loop sleeps until woken: wake it)');
  expect(writer.stats().pending, 'Expected nothing pending').toBe(0);
  expect(sink.closed, 'Expected close() to close the sink').toBe(true);
  expect(sink.calls, 'Expected no write to the disk: there was nothing to write').toBe(0);
});

test('through the service: SIGTERM drains everything accepted (exit 0, exactly N lines, per-client order)', async () => {
  const file = tempFile();
  const svc = await startLevel2(['--data-file', file, '--flush-interval-ms', '60000']);
  const expected = await postSequences(svc.url, 4, 20, 3);
  const code = await svc.stop(10_000);
  expect(code, `Expected the service to exit 0 after SIGTERM, got ${code}. Output:\n${svc.output()}`).toBe(0);
  const problem = checkSequences(readLines(file), expected);
  expect(problem, `4 clients POSTed 20 requests of 3 metrics (all answered 200), then SIGTERM: ${problem}`).toBeUndefined();
}, 30_000);
