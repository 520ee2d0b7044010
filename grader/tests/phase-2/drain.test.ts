import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { withDeadline } from '../../src/harness/deadline.ts';
import { rng, seedTag } from '../../src/harness/random.ts';
import { checkSequences } from './support/lines.ts';
import { newFileSink, newWriter, seqMetric, type WriterUnderTest } from './support/writer-module.ts';
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

test('through the service: SIGTERM drains everything accepted (exit 0, exactly N lines, per-client order)', async () => {
  const file = tempFile();
  const svc = await startLevel2(['--data-file', file, '--flush-interval-ms', '60000']);
  const expected = await postSequences(svc.url, 4, 20, 3);
  const code = await svc.stop(10_000);
  expect(code, `Expected the service to exit 0 after SIGTERM, got ${code}. Output:\n${svc.output()}`).toBe(0);
  const problem = checkSequences(readLines(file), expected);
  expect(problem, `4 clients POSTed 20 requests of 3 metrics (all answered 200), then SIGTERM: ${problem}`).toBeUndefined();
}, 30_000);
