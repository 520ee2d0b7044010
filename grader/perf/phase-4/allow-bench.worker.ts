import { watchedThread } from '../../src/harness/watched-thread.ts';
import { attachLimiter, type LimiterShared } from '../../tests/phase-4/fixtures/target.ts';

/**
 * One thread of the striped-vs-global benchmark. The main thread moves a shared segment number;
 * in each segment this thread calls allow() on its own clients with the segment's limiter (global
 * or striped), or sleeps if the segment uses fewer threads, and adds its calls to calls[segment].
 */
export interface BenchSegment {
  locking: 'global' | 'striped';
  threads: number;
}

export interface AllowBenchData {
  limiters: Record<BenchSegment['locking'], LimiterShared>;
  segments: BenchSegment[];
  /** Int32: [0] current segment, then calls per segment. */
  board: SharedArrayBuffer;
  owner: number;
  clients: string[];
}

const BATCH = 32;
const t = watchedThread<AllowBenchData>();
const { limiters, segments, board, owner, clients } = t.data;
const byMode = {
  global: await attachLimiter(limiters.global, owner),
  striped: await attachLimiter(limiters.striped, owner),
};
const b = new Int32Array(board);

t.start();
let next = 0;
for (;;) {
  const seg = Atomics.load(b, 0);
  if (seg >= segments.length) break;
  const { locking, threads } = segments[seg]!;
  if (owner > threads) {
    Atomics.wait(b, 0, seg, 20); // not part of this segment: sleep until the next one
    t.tick();
    continue;
  }
  const limiter = byMode[locking];
  for (let i = 0; i < BATCH; i++) {
    limiter.allow(clients[next]!);
    next = (next + 1) % clients.length;
  }
  // Count only if the segment did not change meanwhile, so a batch is never credited to the wrong mode.
  if (Atomics.load(b, 0) === seg) Atomics.add(b, 1 + seg, BATCH);
  t.tick();
}
t.finish(null);
