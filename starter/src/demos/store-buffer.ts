// Level 5 · test support: the graded tests or the lesson's experiments run it, the service does not.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createWorker } from '../lib/ts-worker.ts';

/**
 * Exercise 5.1, demo 1: the "store buffer" litmus test — the CPU itself reordering plain
 * accesses, on x86-64 too.
 *
 *   npx tsx starter/src/demos/store-buffer.ts [rounds]
 *
 * Two workers, one round at a time, each starting from x = y = 0:
 *     worker A:  x = 1;  a = y;          worker B:  y = 1;  b = x;
 * In any interleaving of the four lines at least one worker sees the other's 1, so a = b = 0
 * is impossible — for a sequentially consistent machine. A real core puts its store in a store
 * buffer and runs the load before the store reaches memory, so with plain accesses a = b = 0
 * happens. Atomics.store / Atomics.load are sequentially consistent: never a = b = 0.
 * See docs/phase-5-ring-buffer.md#exercise-51-memory-ordering.
 */
type Mode = 'plain' | 'atomics';
interface Data {
  mode: Mode;
  me: 0 | 1;
  rounds: number;
  x: Int32Array;
  y: Int32Array;
  barrier: Int32Array;
}

if (isMainThread) {
  const rounds = Number(process.argv[2] ?? 200_000);
  for (const mode of ['plain', 'atomics'] as Mode[]) {
    const both = await run(mode, rounds);
    console.log(`${mode.padEnd(7)}: a = b = 0 in ${both} of ${rounds} rounds${both > 0 ? '  <- the stores were reordered after the loads' : ''}`);
  }
} else {
  parentPort!.postMessage(side(workerData as Data));
}

/** One worker's side of every round; returns, per round, the value it read (0 or 1). */
function side({ mode, me, rounds, x, y, barrier }: Data): Uint8Array {
  const mine = me === 0 ? x : y;
  const theirs = me === 0 ? y : x;
  const seen = new Uint8Array(rounds);
  for (let r = 0; r < rounds; r++) {
    // Both leave this barrier together, so their two lines really overlap in time.
    Atomics.add(barrier, 0, 1);
    while (Atomics.load(barrier, 0) < 2 * (r + 1)) {
      // spin
    }
    if (mode === 'plain') {
      mine[r] = 1;
      seen[r] = theirs[r]!;
    } else {
      Atomics.store(mine, r, 1);
      seen[r] = Atomics.load(theirs, r);
    }
  }
  return seen;
}

async function run(mode: Mode, rounds: number): Promise<number> {
  const shared = (): Int32Array => new Int32Array(new SharedArrayBuffer(rounds * 4));
  const x = shared();
  const y = shared();
  const barrier = new Int32Array(new SharedArrayBuffer(4));
  const results = await Promise.all(
    ([0, 1] as const).map((me) => {
      const w = createWorker(new URL(import.meta.url), { workerData: { mode, me, rounds, x, y, barrier } satisfies Data });
      return new Promise<Uint8Array>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      }).finally(() => w.terminate());
    }),
  );
  const [a, b] = results as [Uint8Array, Uint8Array];
  let both = 0;
  for (let r = 0; r < rounds; r++) if (a[r] === 0 && b[r] === 0) both++;
  return both;
}
