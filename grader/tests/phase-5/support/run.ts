import { runWatched } from '../../../src/harness/watchdog.ts';
import { targetFile } from '../../../src/harness/target.ts';
import { newControl } from './control.ts';
import { HEADER, RING_FILE } from './ring-api.ts';
import { layoutRing } from './ring-layout.ts';
import type { ConsumerReport, RoleData } from './ring-worker.ts';

const WORKER = new URL('./ring-worker.ts', import.meta.url);

export interface StreamOptions {
  capacity: number;
  count: number;
  seed: number;
  batch?: boolean;
  startIndex?: number;
  producerPause?: number;
}

/**
 * Stream `count` seeded records from a producer worker to a consumer worker through the learner's
 * ring, under the shared watchdog, and return what the consumer saw.
 */
export async function streamThroughRing(opts: StreamOptions): Promise<ConsumerReport> {
  const ring = layoutRing(opts.capacity, opts.startIndex ?? 0);
  const header = new Int32Array(ring, 0, HEADER.int32Length);
  const base = {
    modulePath: targetFile(RING_FILE),
    ring,
    ctl: newControl(),
    count: opts.count,
    seed: opts.seed,
    batch: opts.batch ?? false,
    producerPause: opts.producerPause ?? 0,
  };
  const run = await runWatched<ConsumerReport | null, RoleData>({
    entry: WORKER,
    threads: [
      { name: 'producer', data: { ...base, role: 'producer' } },
      { name: 'consumer', data: { ...base, role: 'consumer' } },
    ],
    stallMs: 3_000,
    deadlineMs: 20_000,
    describe: () =>
      `ring indices head=${Atomics.load(header, HEADER.head)} tail=${Atomics.load(header, HEADER.tail)}, capacity ${opts.capacity} ` +
      '(a producer stuck in tryPush thinks the ring is full, a consumer stuck in tryPop thinks it is empty)',
  });
  return run.results[1]!;
}

/** Run a single-threaded scenario of support/scenarios.ts in a worker; rejects with its message. */
export async function runScenarioInWorker(scenario: string): Promise<void> {
  await runWatched<null, RoleData>({
    entry: WORKER,
    threads: [{ name: `scenario ${scenario}`, data: { role: 'scenario', scenario, modulePath: targetFile(RING_FILE) } }],
    stallMs: 10_000,
    deadlineMs: 10_000,
    describe: () => 'the scenario never returned (an endless loop in tryPush/tryPop?)',
  });
}
