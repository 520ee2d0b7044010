import { runWatched } from '../../src/harness/watchdog.ts';
import { loadLimiter, loadMutex, loadStriped } from '../../tests/phase-4/fixtures/target.ts';
import type { AllowBenchData, BenchSegment } from './allow-bench.worker.ts';

/**
 * Lock striping vs one global lock, side by side in one run. Four worker threads call allow() as
 * fast as they can, each on its own clients (on stripes no other thread uses); the main thread switches them between the same tree's
 * limiter in 'global' mode (the baseline, exercise 4.3's first version) and in 'striped' mode every
 * SEGMENT_MS, alternating, so the machine's noise falls on both. Segments with 2 threads run too.
 * stripe-contention.ts grades the contention and reports the throughput next to it.
 */
const SEGMENT_MS = 200;
const ROUNDS = 6;
const THREADS = 4;
const CLIENTS_PER_THREAD = 2;
const STRIPES = 31;
const entry = new URL('./allow-bench.worker.ts', import.meta.url);

/** Run the whole benchmark once; `details` holds calls/s and average blocked threads per mode. */
export async function runStripeBench(log: (m: string) => void): Promise<Record<string, number>> {
  const { createLimiterState } = await loadLimiter();
  const state = (locking: 'global' | 'striped') =>
    createLimiterState({ limit: 64, windowMs: 1000, locking, stripes: STRIPES, slotsPerStripe: 16, maxOwners: THREADS });
  const limiters = { global: state('global'), striped: state('striped') };
  const segments: BenchSegment[] = [];
  for (const threads of [THREADS, 2]) {
    for (let r = 0; r < ROUNDS; r++) {
      // ABBA order: neither mode always runs first after a switch.
      const pair: BenchSegment['locking'][] = r % 2 === 0 ? ['global', 'striped'] : ['striped', 'global'];
      for (const locking of pair) segments.push({ locking, threads });
    }
  }
  const clients = await distinctStripeClients(limiters.striped.locks);
  const board = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * (1 + segments.length));
  const b = new Int32Array(board);

  const { LockTable } = await loadMutex();
  const waitBoards = { global: new LockTable(limiters.global.locks).waitingOn, striped: new LockTable(limiters.striped.locks).waitingOn };
  const spans: number[] = [];
  // Share of samples in which a thread was blocked in lock() (from the waitingOn slots).
  const samples: number[] = new Array<number>(segments.length).fill(0);
  const blocked: number[] = new Array<number>(segments.length).fill(0);
  const run = runWatched<null, AllowBenchData>({
    entry,
    threads: Array.from({ length: THREADS }, (_, w) => ({
      name: `w${w + 1}`,
      data: {
        limiters,
        segments,
        board,
        owner: w + 1,
        clients: clients.slice(w * CLIENTS_PER_THREAD, (w + 1) * CLIENTS_PER_THREAD),
      },
    })),
    stallMs: 3000,
    deadlineMs: segments.length * SEGMENT_MS + 8000,
  });
  // Drive the segments once every thread is past the start barrier (first progress seen).
  const driver = (async () => {
    while (Atomics.load(b, 1) === 0) await new Promise((r) => setTimeout(r, 5));
    Atomics.store(b, 1, 0);
    for (let s = 0; s < segments.length; s++) {
      const t0 = performance.now();
      const board = waitBoards[segments[s]!.locking];
      while (performance.now() - t0 < SEGMENT_MS) {
        await new Promise((r) => setTimeout(r, 1));
        samples[s]!++;
        for (let o = 1; o < board.length; o++) if (Atomics.load(board, o) !== 0) blocked[s]!++;
      }
      spans[s] = performance.now() - t0;
      Atomics.store(b, 0, s + 1);
      Atomics.notify(b, 0);
    }
  })();
  await Promise.all([run, driver]);

  const details: Record<string, number> = {};
  for (const threads of [THREADS, 2]) {
    for (const locking of ['global', 'striped'] as const) {
      let calls = 0;
      let ms = 0;
      let seen = 0;
      let waits = 0;
      segments.forEach((s, i) => {
        if (s.locking === locking && s.threads === threads) {
          calls += b[1 + i]!;
          ms += spans[i]!;
          seen += samples[i]!;
          waits += blocked[i]!;
        }
      });
      details[`${locking}_${threads}t_calls_per_s`] = Math.round((calls / ms) * 1000);
      details[`${locking}_${threads}t_blocked_threads_avg`] = Number((waits / seen).toFixed(3));
    }
    details[`ratio_${threads}t`] = Number((details[`striped_${threads}t_calls_per_s`]! / details[`global_${threads}t_calls_per_s`]!).toFixed(2));
    log(
      `${threads} threads: global ${details[`global_${threads}t_calls_per_s`]}/s (blocked ${details[`global_${threads}t_blocked_threads_avg`]}), ` +
        `striped ${details[`striped_${threads}t_calls_per_s`]}/s (blocked ${details[`striped_${threads}t_blocked_threads_avg`]})`,
    );
  }
  return details;
}

/** Client ids that fall on pairwise different stripes (by the tree's own stripeOf): distinct clients never share a lock. */
async function distinctStripeClients(locks: SharedArrayBuffer): Promise<string[]> {
  const [{ StripedLocks }, { LockTable }] = await Promise.all([loadStriped(), loadMutex()]);
  const pool = new StripedLocks(new LockTable(locks), 1, STRIPES);
  const used = new Set<number>();
  const ids: string[] = [];
  for (let i = 0; ids.length < THREADS * CLIENTS_PER_THREAD && i < 10_000; i++) {
    const id = `client-${i}`;
    const stripe = pool.stripeOf(id);
    if (!used.has(stripe)) {
      used.add(stripe);
      ids.push(id);
    }
  }
  if (ids.length < THREADS * CLIENTS_PER_THREAD) throw new Error(`stripeOf put 10,000 ids on only ${used.size} of ${STRIPES} stripes`);
  return ids;
}
