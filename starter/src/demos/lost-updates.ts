// Level 1 · test support: the graded tests or the lesson's experiments run it, the service does not.
/**
 * Lost updates, measured: W workers each add 1 to the same Int32 in a SharedArrayBuffer N times,
 * once with a plain `i32[0]++`, once with `Atomics.add`, once through your `SharedCounters.add`.
 *
 *   npx tsx starter/src/demos/lost-updates.ts [--workers 4] [--increments 1000000]
 *
 * The file is both the main program and the worker entry (one file, `isMainThread` decides).
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { parseArgs } from 'node:util';
import { createWorker } from '../lib/ts-worker.ts';
import { isTodoError } from '../lib/todo.ts';
import { SharedCounters } from '../stats/shared-counters.ts';

type Mode = 'plain ++' | 'Atomics.add' | 'SharedCounters.add';

interface Job {
  mode: Mode;
  increments: number;
  /** [0] the counter, [1] workers arrived at the start line, [2] the start signal. */
  shared: SharedArrayBuffer;
  counters: SharedArrayBuffer;
}

const COUNTER = 0;
const ARRIVED = 1;
const GO = 2;

if (isMainThread) await main();
else runWorker(workerData as Job);

function runWorker(job: Job): void {
  const i32 = new Int32Array(job.shared);
  const counters = new SharedCounters(job.counters);
  // Start barrier: every worker arrives, then waits for one signal, so the loops really overlap
  // instead of the first worker finishing before the last one has started.
  Atomics.add(i32, ARRIVED, 1);
  Atomics.notify(i32, ARRIVED);
  Atomics.wait(i32, GO, 0);
  try {
    if (job.mode === 'plain ++') for (let i = 0; i < job.increments; i++) i32[COUNTER]++;
    else if (job.mode === 'Atomics.add') for (let i = 0; i < job.increments; i++) Atomics.add(i32, COUNTER, 1);
    else for (let i = 0; i < job.increments; i++) counters.add('requests', 1);
    parentPort!.postMessage({ ok: true });
  } catch (err) {
    parentPort!.postMessage({ ok: false, todo: isTodoError(err), message: (err as Error).message });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { workers: { type: 'string', default: '4' }, increments: { type: 'string', default: '1000000' } },
  });
  const workers = positiveInt(values.workers!, '--workers');
  const increments = positiveInt(values.increments!, '--increments');
  console.log(`${workers} workers x ${increments.toLocaleString('en-US')} increments of one shared Int32`);
  for (const mode of ['plain ++', 'Atomics.add', 'SharedCounters.add'] as const) {
    const line = await measure(mode, workers, increments);
    console.log(line);
  }
}

async function measure(mode: Mode, workers: number, increments: number): Promise<string> {
  const shared = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
  const counters = new SharedCounters();
  const i32 = new Int32Array(shared);
  const started = Array.from({ length: workers }, () =>
    createWorker(new URL(import.meta.url), { workerData: { mode, increments, shared, counters: counters.buffer } }),
  );
  try {
    const replies = started.map(
      (w) =>
        new Promise<{ ok: boolean; todo?: boolean; message?: string }>((resolve, reject) => {
          w.once('message', resolve);
          w.once('error', reject);
        }),
    );
    await waitUntil(() => Atomics.load(i32, ARRIVED) === workers, 30_000, 'workers did not reach the start line');
    const t0 = performance.now();
    Atomics.store(i32, GO, 1);
    Atomics.notify(i32, GO);
    const results = await Promise.all(replies);
    const ms = performance.now() - t0;
    const failed = results.find((r) => !r.ok);
    if (failed) return `${mode.padEnd(19)} ${failed.todo ? 'not implemented yet: ' : 'failed: '}${failed.message}`;
    const expected = workers * increments;
    const got = mode === 'SharedCounters.add' ? counters.get('requests') : Atomics.load(i32, COUNTER);
    const lost = expected - got;
    return (
      `${mode.padEnd(19)} expected ${expected.toLocaleString('en-US')}, got ${got.toLocaleString('en-US')}: ` +
      `${lost.toLocaleString('en-US')} lost (${((100 * lost) / expected).toFixed(1)}%) in ${ms.toFixed(0)} ms`
    );
  } catch (err) {
    if (isTodoError(err)) return `${mode.padEnd(19)} not implemented yet: ${(err as Error).message}`;
    throw err;
  } finally {
    await Promise.all(started.map((w) => w.terminate()));
  }
}

async function waitUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer, got "${text}"`);
  return n;
}
