import type { Worker, WorkerOptions } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
// The grader's own copy of the worker bootstrap (not the learner's): it starts the fault fixtures.
import { createWorker } from '../../../starter/src/lib/ts-worker.ts';
import { waitUntil, withDeadline } from '../../src/harness/deadline.ts';
import { metricsPayload } from '../../src/harness/payloads.ts';
import { importTarget } from '../../src/harness/target.ts';

// Check `worker-failure`: a worker that crashes, exits, cannot start or never answers gives the
// request a 500/503 (never a hang, never a dead service), the next request on the same processor
// is served, and no worker is left alive — on the error paths as on the happy one.

interface Processor {
  process(body: Buffer, client: string): Promise<unknown[]>;
  close(): Promise<void>;
}
interface ProcessorOptions {
  parser: string;
  clock: { now(): number };
  entry?: URL;
  spawn?: (entry: URL, options?: WorkerOptions) => Worker;
  timeoutMs?: number;
}
interface ProcessorModule {
  WorkerPerRequestProcessor: new (opts: ProcessorOptions) => Processor;
}
interface ErrorReplyModule {
  errorReply(err: unknown): { status: number; body: unknown };
}

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
const VALID = Buffer.from(metricsPayload(3, 7));
const clock = { now: () => Date.parse('2025-09-17T13:45:23.123Z') };

/** What the processor's spawn does on its k-th call: start the given entry instead, or fail. */
type Plan = URL | 'cannot-start' | 'as-asked';

/** A spawn function that injects faults and keeps every worker it started, to check they all end. */
function spyingSpawn(plans: Plan[]) {
  const started: Worker[] = [];
  const exited = new Set<Worker>();
  let calls = 0;
  const spawn = (entry: URL, options?: WorkerOptions): Worker => {
    const plan = plans[calls++] ?? 'as-asked';
    if (plan === 'cannot-start') throw new Error('simulated: ERR_WORKER_INIT_FAILED, no thread could be created');
    const w = createWorker(plan === 'as-asked' ? entry : plan, options);
    w.once('exit', () => exited.add(w));
    started.push(w);
    return w;
  };
  return { spawn, started, alive: () => started.filter((w) => !exited.has(w)).length, calls: () => calls };
}

let spies: ReturnType<typeof spyingSpawn>[] = [];
afterEach(async () => {
  // The grader's cleanup, whatever the learner's code did: no thread outlives its test.
  await Promise.all(spies.flatMap((s) => s.started.map((w) => w.terminate())));
  spies = [];
});

async function processorWith(plans: Plan[], timeoutMs?: number) {
  const { WorkerPerRequestProcessor } = await importTarget<ProcessorModule>('src/ingest/worker-per-request.ts');
  const spy = spyingSpawn(plans);
  spies.push(spy);
  const processor = new WorkerPerRequestProcessor({ parser: 'naive', clock, spawn: spy.spawn, ...(timeoutMs ? { timeoutMs } : {}) });
  return { processor, spy };
}

/** The HTTP answer the service would send for this error, computed by the target's own router code. */
async function answerFor(err: unknown) {
  const { errorReply } = await importTarget<ErrorReplyModule>('src/http/error-response.ts');
  return errorReply(err);
}

async function expectServerErrorAnswer(run: Promise<unknown>, when: string, waitMs = 15_000): Promise<void> {
  const outcome = await withDeadline(
    run.then(
      () => ({ failed: false as const }),
      (err: unknown) => ({ failed: true as const, err }),
    ),
    waitMs,
    `process() ${when} never settled`,
  );
  if (!outcome.failed) expect.fail(`Expected process() to fail ${when}, but it resolved`);
  const err = outcome.err as Error;
  if (err?.name === 'TodoError' || err?.message?.startsWith('TODO(phase-')) throw err;
  const reply = await answerFor(err);
  if (reply.status !== 500 && reply.status !== 503) {
    expect.fail(`Expected a 500 or 503 answer ${when}, got ${reply.status} ${JSON.stringify(reply.body)} (from ${err?.name}: ${err?.message})`);
  }
}

async function expectServed(processor: Processor, after: string): Promise<void> {
  const metrics = await withDeadline(processor.process(VALID, 'client-a'), 15_000, `the next request ${after}`);
  expect(metrics, `Expected the next request ${after} to be served with its 3 metrics`).toHaveLength(3);
}

async function expectAllWorkersGone(spy: ReturnType<typeof spyingSpawn>, after: string): Promise<void> {
  if (spy.calls() === 0) expect.fail('Expected the processor to start its workers with opts.spawn (default createWorker); it never called it');
  await waitUntil(() => spy.alive() === 0, 3_000);
  const alive = spy.alive();
  if (alive > 0) {
    expect.fail(
      `Expected every worker to be gone ${after}, but ${alive} of ${spy.started.length} still run 3 s after their ` +
        `request settled (a leaked thread per request). Terminate the worker on every path: answer, error, exit, timeout.`,
    );
  }
}

describe('worker failures are answered, and cleaned up', () => {
  it('a worker that crashes: 500/503, then the same processor serves the next request', { timeout: 40_000 }, async () => {
    const { processor, spy } = await processorWith([fixture('crash-worker.ts')]);
    await expectServerErrorAnswer(processor.process(VALID, 'client-a'), 'when the worker throws an uncaught exception');
    await expectServed(processor, 'after a crashed worker');
    await expectAllWorkersGone(spy, 'after a crash and a normal request');
  });

  it('a worker that exits without answering: 500/503, then the next request is served', { timeout: 40_000 }, async () => {
    const { processor, spy } = await processorWith([fixture('exit-worker.ts')]);
    await expectServerErrorAnswer(processor.process(VALID, 'client-a'), 'when the worker calls process.exit(3) before answering');
    await expectServed(processor, 'after a worker exited');
    await expectAllWorkersGone(spy, 'after an exit and a normal request');
  });

  it('a worker that cannot be started: 500/503, then the next request is served', { timeout: 40_000 }, async () => {
    const { processor, spy } = await processorWith(['cannot-start']);
    await expectServerErrorAnswer(processor.process(VALID, 'client-a'), 'when creating the worker throws');
    await expectServed(processor, 'after a worker could not be started');
    await expectAllWorkersGone(spy, 'after a failed start and a normal request');
  });

  it('a worker that never answers is terminated at timeoutMs: 500/503, no hang', { timeout: 40_000 }, async () => {
    // Long enough for a worker to start on a busy machine (tsx start-up measured up to ~1.4 s).
    const timeoutMs = 4_000;
    const { processor, spy } = await processorWith([fixture('silent-worker.ts')], timeoutMs);
    await expectServerErrorAnswer(processor.process(VALID, 'client-a'), `when the worker never answers (timeoutMs: ${timeoutMs})`, timeoutMs + 10_000);
    await expectAllWorkersGone(spy, 'after a worker timed out');
    await expectServed(processor, 'after a timed-out worker');
  });

  it('refused payloads (400) end their workers too', { timeout: 40_000 }, async () => {
    const { processor, spy } = await processorWith([]);
    const bad = [Buffer.from('{"metrics":[{"name":"cpu"'), Buffer.from('{"metrics":[{"name":"cpu","value":"75.5"}]}')];
    for (const body of bad) {
      const err = await withDeadline(processor.process(body, 'client-a').then(() => undefined, (e: unknown) => e), 15_000, 'process() of a bad payload never settled');
      if (err === undefined) expect.fail(`Expected process() to refuse ${body.toString()}`);
      if ((err as Error).name === 'TodoError') throw err;
      const reply = await answerFor(err);
      expect(reply.status, `Expected 400 for ${body.toString()}, got ${reply.status} ${JSON.stringify(reply.body)}: a refusal is data, not a crash`).toBe(400);
    }
    await expectAllWorkersGone(spy, 'after a parse error and a validation error');
  });
});
