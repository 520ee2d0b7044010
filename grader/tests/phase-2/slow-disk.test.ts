import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { withDeadline } from '../../src/harness/deadline.ts';
import { checkSequences } from './support/lines.ts';
import { MemorySink } from './support/sinks.ts';
import { postMetrics, startLevel2, wireMetric } from './support/service.ts';
import { newWriter, seqMetric } from './support/writer-module.ts';

test('write() returns while the disk is stalled: the producer never waits for the consumer', async () => {
  const sink = new MemorySink();
  sink.stall();
  const writer = await newWriter(sink, { maxQueue: 1_000, maxBatch: 5, flushIntervalMs: 10 });
  for (let i = 0; i < 20; i++) {
    const batch = Array.from({ length: 5 }, (_, k) => seqMetric('busy', i * 5 + k));
    try {
      await withDeadline(writer.write(batch), 1_000, `write() #${i + 1} with the disk stalled`);
    } catch (err) {
      throw new Error(
        `write() waited for the disk: batch #${i + 1} was not accepted within 1 s while the disk hung (${(err as Error).message}). write() must only enqueue; the background loop writes.`,
      );
    }
  }
  expect(sink.calls, 'Expected the background loop to have started a write (it is stuck in the stalled disk)').toBeGreaterThan(0);
  sink.release();
  await withDeadline(writer.close(), 5_000, 'close() after the disk came back');
  const problem = checkSequences(sink.lines, new Map([['busy', 100]]));
  expect(problem, `After the disk came back and close(): ${problem}`).toBeUndefined();
});

test('through the service: POST latency does not include a 2000 ms disk latency, and the writes still happen', async () => {
  const diskMs = 2_000; // at most two batches (10 s of shutdown grace covers them); POSTs take a few ms
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ms-p2-slow-'));
  const file = path.join(dir, 'metrics.jsonl');
  const svc = await startLevel2(['--data-file', file, '--disk-latency-ms', String(diskMs), '--flush-interval-ms', '20']);
  try {
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await postMetrics(svc.url, 'timed', [wireMetric('timed', i)]);
      expect(res.status, `Expected 200 for POST #${i + 1}, got ${res.status}: ${res.body}`).toBe(200);
      times.push(Math.round(res.ms));
    }
    expect(
      Math.max(...times),
      `Expected every POST to answer well before the disk's ${diskMs} ms (limit ${diskMs / 2} ms) — the response must not wait for the write; took ${times.join(', ')} ms.`,
    ).toBeLessThan(diskMs / 2);
    const code = await svc.stop(30_000);
    expect(code, `Expected exit code 0 after SIGTERM, got ${code}`).toBe(0);
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
    const problem = checkSequences(lines, new Map([['timed', 6]]));
    expect(problem, `The 6 accepted metrics must still reach the slow disk: ${problem}`).toBeUndefined();
  } finally {
    await svc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}, 45_000);
