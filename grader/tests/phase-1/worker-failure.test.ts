import v8 from 'node:v8';
import vm from 'node:vm';
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
  clock: { now(): number };
  entry?: URL;
  spawn?: (entry: URL, options?: WorkerOptions) => Worker;
  timeoutMs?: number;
}
interface ProcessorModule {
  WorkerPerRequestProcessor: new (opts: ProcessorOptions) => Processor;
}
interface ErrorReplyModule {
  errorReply(err: unknown): { status: number; body: unknown; headers?: Record<string, string> };
}

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
const VALID = Buffer.from(metricsPayload(3, 7));
const UNPARSABLE = Buffer.from('{"metrics":[{"name":"cpu"');
const clock = { now: () => Date.parse('2025-09-17T13:45:23.123Z') };

/** What the processor's spawn does on its k-th call: start the given entry instead, or fail. */
type Plan = URL | 'cannot-start' | 'as-asked';

/** A spawn function that injects faults and keeps every worker it started, to check they all end. */
function spyingSpawn(plans: Plan[]) {
  const started: Worker[] = [];
  const exited = new Set<Worker>();
  const entries: URL[] = [];
  let calls = 0;
  const spawn = (entry: URL, options?: WorkerOptions): Worker => {
    entries.push(entry);
    const plan = plans[calls++] ?? 'as-asked';
    if (plan === 'cannot-start') throw new Error('simulated: ERR_WORKER_INIT_FAILED, no thread could be created');
    const w = createWorker(plan === 'as-asked' ? entry : plan, options);
    // Registered before the processor sees the worker: it runs before any 'exit' listener of theirs,
    // and before the promise terminate() returns resolves.
    w.once('exit', () => exited.add(w));
    started.push(w);
    return w;
  };
  return { spawn, started, entries, alive: () => started.filter((w) => !exited.has(w)).length, calls: () => calls };
}

let spies: ReturnType<typeof spyingSpawn>[] = [];
afterEach(async () => {
  // The grader's cleanup, whatever the learner's code did: no thread outlives its test.
  await Promise.all(spies.flatMap((s) => s.started.map((w) => w.terminate())));
  spies = [];
});

async function processorWith(plans: Plan[], timeoutMs?: number, entry?: URL) {
  const { WorkerPerRequestProcessor } = await importTarget<ProcessorModule>('src/ingest/worker-per-request.ts');
  const spy = spyingSpawn(plans);
  spies.push(spy);
  const processor = new WorkerPerRequestProcessor({
    clock,
    spawn: spy.spawn,
    ...(timeoutMs ? { timeoutMs } : {}),
    ...(entry ? { entry } : {}),
  });
  return { processor, spy };
}

/** The HTTP answer the service would send for this error, computed by the target's own router code. */
async function answerFor(err: unknown) {
  const { errorReply } = await importTarget<ErrorReplyModule>('src/http/error-response.ts');
  return errorReply(err);
}

/** A stub's TodoError (the learner's code is not written yet) ends the test as "not implemented yet". */
function rethrowTodo(err: unknown): void {
  const e = err as Error | undefined;
  if (e?.name === 'TodoError' || e?.message?.startsWith('TODO(phase-')) throw err;
}

/** Text of an answer for a failure message, with TODO markers defused (they would read as "not implemented yet"). */
const shown = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v)).replaceAll('TODO(phase-', 'TODO (phase-');

/** How the router must answer a failure: the status, the `error` code of the body, and why. */
interface Want {
  status: 500 | 503;
  error: 'worker_failed' | 'worker_unavailable';
  why: string;
}
const FAILED = (why: string): Want => ({ status: 500, error: 'worker_failed', why });
const UNAVAILABLE = (why: string): Want => ({ status: 503, error: 'worker_unavailable', why });

/** Awaits a process() that must fail, checks the answer the router gives for its error; returns the ms it took. */
async function expectErrorAnswer(run: Promise<unknown>, when: string, want: Want, waitMs = 15_000): Promise<number> {
  const t0 = performance.now();
  const outcome = await withDeadline(
    run.then(
      () => ({ failed: false as const }),
      (err: unknown) => ({ failed: true as const, err }),
    ),
    waitMs,
    `process() ${when} never settled (${want.why})`,
  );
  const ms = performance.now() - t0;
  if (!outcome.failed) expect.fail(`Expected process() to fail ${when}, but it resolved`);
  const err = outcome.err as Error;
  rethrowTodo(err);
  const reply = await answerFor(err);
  const code = (reply.body as { error?: unknown } | undefined)?.error;
  if (reply.status !== want.status || code !== want.error) {
    expect.fail(
      `Expected ${want.status} {"error":"${want.error}"} ${when} (${want.why}), got ${reply.status} ${shown(reply.body)} ` +
        `(from ${err?.name}: ${shown(err?.message)})`,
    );
  }
  if (want.status === 503) {
    const retry = Number(reply.headers?.['retry-after']);
    expect(Number.isInteger(retry) && retry >= 1, `Expected a Retry-After header (whole seconds >= 1) with the 503 ${when}, got ${reply.headers?.['retry-after']}`).toBe(true);
  }
  return ms;
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
  it('a worker that crashes: 500 worker_failed, then the same processor serves the next request', { timeout: 40_000 }, async () => {
    const { processor, spy } = await processorWith([fixture('crash-worker.ts')]);
    await expectErrorAnswer(
      processor.process(VALID, 'client-a'),
      'when the worker throws an uncaught exception',
      FAILED("its 'error' event means the thread died: reject with WorkerFailedError"),
    );
    await expectServed(processor, 'after a crashed worker');
    await expectAllWorkersGone(spy, 'after a crash and a normal request');
  });

  it('a worker that exits without answering: 500 worker_failed, then the next request is served', { timeout: 40_000 }, async () => {
    const { processor, spy } = await processorWith([fixture('exit-worker.ts')]);
    await expectErrorAnswer(
      processor.process(VALID, 'client-a'),
      'when the worker calls process.exit(3) before answering',
      FAILED("'exit' before an answer: reject with WorkerFailedError"),
    );
    await expectServed(processor, 'after a worker exited');
    await expectAllWorkersGone(spy, 'after an exit and a normal request');
  });

  it('a worker that exits with code 0 before answering is a failure too: 500 at once, not a wait for the timeout', { timeout: 40_000 }, async () => {
    // A 20 s timeout: a processor that ignores a clean exit would only give up then.
    const { processor, spy } = await processorWith(['as-asked', fixture('exit0-worker.ts')], 20_000);
    await expectServed(processor, 'first (a normal request)');
    await expectErrorAnswer(
      processor.process(VALID, 'client-a'),
      'when the worker exits with code 0 without answering',
      FAILED("any 'exit' before an answer is a failure, whatever its code"),
      5_000,
    );
    await expectAllWorkersGone(spy, 'after a clean exit without an answer');
  });

  it('a worker that cannot be started: 503 worker_unavailable with Retry-After, then the next request is served', { timeout: 40_000 }, async () => {
    const { processor, spy } = await processorWith(['cannot-start']);
    await expectErrorAnswer(
      processor.process(VALID, 'client-a'),
      'when creating the worker throws',
      UNAVAILABLE('no thread could be started for this request: reject with WorkerUnavailableError, the client may retry'),
    );
    await expectServed(processor, 'after a worker could not be started');
    await expectAllWorkersGone(spy, 'after a failed start and a normal request');
  });

  it('a worker that never answers is terminated at timeoutMs: 503 worker_unavailable, not before the timeout, no hang', { timeout: 40_000 }, async () => {
    // Long enough for a worker to start on a busy machine (tsx start-up measured up to ~1.4 s).
    const timeoutMs = 4_000;
    const { processor, spy } = await processorWith([fixture('silent-worker.ts')], timeoutMs);
    const ms = await expectErrorAnswer(
      processor.process(VALID, 'client-a'),
      `when the worker never answers (timeoutMs: ${timeoutMs})`,
      UNAVAILABLE('no answer in time: reject with WorkerUnavailableError'),
      timeoutMs + 10_000,
    );
    // Timers never fire early; 50 ms covers the clock's granularity.
    expect(ms, `Expected the request to give up no earlier than timeoutMs (${timeoutMs} ms), it failed after ${Math.round(ms)} ms`).toBeGreaterThanOrEqual(timeoutMs - 50);
    await expectAllWorkersGone(spy, 'after a worker timed out');
    await expectServed(processor, 'after a timed-out worker');
  });

  it('a TodoError from the worker passes through unchanged: 501 not_implemented, not a 500', { timeout: 40_000 }, async () => {
    const { processor, spy } = await processorWith(['as-asked', fixture('todo-worker.ts')]);
    await expectServed(processor, 'first (a normal request)');
    const err = await withDeadline(
      processor.process(VALID, 'client-a').then(() => undefined, (e: unknown) => e),
      15_000,
      'process() with a worker that threw a TodoError never settled',
    );
    if (err === undefined) expect.fail('Expected process() to fail when its worker died of a TodoError, but it resolved');
    const reply = await answerFor(err);
    expect(
      reply.status,
      `Expected 501 not_implemented when the worker dies of a TodoError (pass it through unchanged, isTodoError), got ${reply.status} ${shown(reply.body)}: ` +
        'wrapped in a WorkerFailedError it hides which stub is missing',
    ).toBe(501);
    await expectAllWorkersGone(spy, 'after a worker died of a TodoError');
  });

  it('refused payloads (400) end their workers too', { timeout: 40_000 }, async () => {
    const { processor, spy } = await processorWith([]);
    const bad = [UNPARSABLE, Buffer.from('{"metrics":[{"name":"cpu","value":"75.5"}]}')];
    for (const body of bad) {
      const err = await withDeadline(processor.process(body, 'client-a').then(() => undefined, (e: unknown) => e), 15_000, 'process() of a bad payload never settled');
      if (err === undefined) expect.fail(`Expected process() to refuse ${body.toString()}`);
      rethrowTodo(err);
      const reply = await answerFor(err);
      expect(reply.status, `Expected 400 for ${body.toString()}, got ${reply.status} ${shown(reply.body)}: a refusal is data, not a crash`).toBe(400);
    }
    await expectAllWorkersGone(spy, 'after a parse error and a validation error');
  });

  it('process() settles only once its worker has exited: terminate() is awaited on every path', { timeout: 40_000 }, async () => {
    const { processor, spy } = await processorWith(['as-asked', 'as-asked', fixture('crash-worker.ts'), fixture('exit-worker.ts')]);
    const paths = [
      { label: 'an accepted batch', body: VALID },
      { label: 'a refused batch (parse error)', body: UNPARSABLE },
      { label: 'a crashed worker', body: VALID },
      { label: 'a worker that exited', body: VALID },
    ];
    for (const [i, path] of paths.entries()) {
      const outcome = await withDeadline(
        processor.process(path.body, 'client-a').then(() => undefined, (e: unknown) => e),
        15_000,
        `process() of ${path.label} never settled`,
      );
      // Read at once: a worker whose terminate() was not awaited is still running here.
      const alive = spy.alive();
      if (outcome !== undefined) rethrowTodo(outcome);
      if (spy.calls() !== i + 1) expect.fail(`Expected one worker started per request (opts.spawn called ${i + 1} times), got ${spy.calls()} calls`);
      if (alive > 0) {
        expect.fail(
          `Expected the worker of ${path.label} to have exited when process() settled, but it was still running: ` +
            'terminate() returns a promise; await it before settling (answer.finally(() => worker.terminate())), ' +
            'so close() really waits for every thread and nothing outlives its request.',
        );
      }
    }
  });

  it('concurrent requests: one worker each, each request gets its own answer', { timeout: 40_000 }, async () => {
    const { processor, spy } = await processorWith([]);
    const sizes = [1, 2, 3, 4, 5];
    const settled = await withDeadline(
      Promise.allSettled(sizes.map((n) => processor.process(Buffer.from(metricsPayload(n, 50 + n)), `client-${n}`))),
      20_000,
      `${sizes.length} concurrent process() calls`,
    );
    const advice = "keep each request's worker, timer and listeners in local variables, not on the processor that all requests share";
    settled.forEach((r, i) => {
      const n = sizes[i]!;
      if (r.status === 'rejected') {
        rethrowTodo(r.reason);
        expect.fail(`Expected request #${i + 1} of ${sizes.length} concurrent ones (client-${n}) to be served, it failed with ${shown(String(r.reason))}: ${advice}`);
      }
      const metrics = r.value as { client?: string }[];
      const clients = [...new Set(metrics.map((m) => m.client))];
      if (metrics.length !== n || clients.length !== 1 || clients[0] !== `client-${n}`) {
        expect.fail(
          `Expected request #${i + 1} (client-${n}, ${n} metrics) to get its own ${n} metrics, got ${metrics.length} of client(s) ${clients.join(', ')}: ${advice}`,
        );
      }
    });
    expect(spy.calls(), `Expected one worker started per request (${sizes.length}), got ${spy.calls()}`).toBe(sizes.length);
    // Every answer right but workers left: one request terminated another's worker (or none) — shared state again.
    await expectAllWorkersGone(spy, `after ${sizes.length} concurrent requests (${advice})`);
  });

  it('close() waits for the requests in flight: it resolves only once each has settled and its worker exited', { timeout: 40_000 }, async () => {
    // A normal request and one whose worker never answers (given up at timeoutMs): both still run when close() is called.
    const timeoutMs = 1_500;
    const { processor, spy } = await processorWith(['as-asked', fixture('silent-worker.ts')], timeoutMs);
    const requests = ['a normal request', 'a request whose worker never answers'].map((label) => {
      const r = { label, settled: false, outcome: undefined as unknown };
      const run = processor.process(VALID, 'client-a').then(() => undefined, (e: unknown) => e);
      void run.then((o) => Object.assign(r, { settled: true, outcome: o }));
      return r;
    });
    await withDeadline(processor.close(), timeoutMs + 15_000, 'close() with two requests in flight');
    // Only the callbacks queued by the same settlement may run first; a close() that did not wait is ~timeoutMs early.
    await new Promise((resolve) => setImmediate(resolve));
    const pending = requests.filter((r) => !r.settled).map((r) => r.label);
    const alive = spy.alive();
    for (const r of requests) if (r.settled && r.outcome !== undefined) rethrowTodo(r.outcome);
    if (pending.length > 0 || alive > 0) {
      expect.fail(
        `Expected close() to resolve only once every request in flight had settled and its worker exited, but it resolved with ` +
          `${pending.length > 0 ? `${pending.join(' and ')} still pending` : 'every request settled'} and ${alive} worker(s) still running: ` +
          'the service calls close() on shutdown and then closes the writer; a request still being parsed would lose its answer. ' +
          'Keep every in-flight run in the set and await Promise.allSettled over all of them.',
      );
    }
  });

  it('an answered request is not kept by the processor: its metrics can be garbage-collected', { timeout: 40_000 }, async () => {
    // The processor's own default spawn: a worker the test kept would keep its listeners, and through them the answer.
    const { WorkerPerRequestProcessor } = await importTarget<ProcessorModule>('src/ingest/worker-per-request.ts');
    const processor = new WorkerPerRequestProcessor({ clock });
    // Only a WeakRef to the answer outlives this function.
    const answered = async (): Promise<WeakRef<unknown[]>> => {
      const metrics = await withDeadline(processor.process(VALID, 'client-a'), 15_000, 'process() of a valid batch');
      expect(metrics, 'Expected the valid batch to be served with its 3 metrics').toHaveLength(3);
      return new WeakRef(metrics);
    };
    const ref = await answered();
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    // A WeakRef keeps its target until the current job ends: a timer between the collections lets it go.
    for (let i = 0; i < 10 && ref.deref() !== undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      gc();
    }
    if (ref.deref() !== undefined) {
      expect.fail(
        'Expected the metrics of an answered request to be garbage-collectable once the caller dropped them, but the processor ' +
          'still holds them after 10 full collections: a memory leak that grows with every request. ' +
          'Remove each run from the in-flight set when it settles (in the finally of process()).',
      );
    }
  });

  it('the worker is started from opts.entry when one is given', { timeout: 40_000 }, async () => {
    const entry = fixture('fixed-answer-worker.ts');
    const { processor, spy } = await processorWith([], undefined, entry);
    const metrics = (await withDeadline(processor.process(VALID, 'client-a'), 15_000, 'process() with an injected entry')) as { name?: string }[];
    const asked = spy.entries[0]?.href;
    expect(asked, `Expected spawn to be called with opts.entry (${entry.href}), got ${asked}`).toBe(entry.href);
    expect(metrics.map((m) => m.name), "Expected the answer of the injected entry's worker (one metric from_injected_entry)").toEqual(['from_injected_entry']);
    await expectAllWorkersGone(spy, 'after a request on an injected entry');
  });
});
