import { parentPort, workerData } from 'node:worker_threads';
import { importTarget } from '../../../src/harness/target.ts';
import { ARRIVED, CLOCK, DONE, GRANTED, PROGRESS, READY, ROUND, STOP, type BucketWorkerData, type ScriptStep } from './bucket-control.ts';

/** The part of the learner's module this worker uses. */
interface BucketModule {
  TokenBucket: new (
    buffer: SharedArrayBuffer,
    options: BucketWorkerData['options'],
    clock: { now(): number },
  ) => { tryTake(count?: number): { ok: boolean; remaining: number; retryAfterMs?: number } };
}

const data = workerData as BucketWorkerData;
const ctl = new Int32Array(data.control);
const clock = { now: () => Atomics.load(ctl, CLOCK) };
const { TokenBucket } = await importTarget<BucketModule>('src/limits/token-bucket.ts');
const bucket = new TokenBucket(data.bucket, data.options, clock);
Atomics.add(ctl, READY, 1);

if (data.mode === 'script') {
  // Single thread, exact expectations: the test sends the steps and reads every result.
  parentPort!.once('message', (steps: ScriptStep[]) => {
    const results = steps.map((s) => {
      Atomics.store(ctl, CLOCK, s.clock);
      try {
        return bucket.tryTake(s.count);
      } catch (err) {
        return { threw: (err as Error).name, message: (err as Error).message };
      }
    });
    parentPort!.postMessage(results);
  });
} else {
  contend();
}

/** Each round: wait to be released, meet the others at the barrier, take until refused, report. */
function contend(): void {
  let round = 0;
  for (;;) {
    Atomics.wait(ctl, ROUND, round);
    round = Atomics.load(ctl, ROUND);
    if (Atomics.load(ctl, STOP) === 1) return;
    Atomics.add(ctl, ARRIVED, 1);
    while (Atomics.load(ctl, ARRIVED) < data.workers * round) {
      if (Atomics.load(ctl, STOP) === 1) return;
    }
    let mine = 0;
    while (bucket.tryTake(1).ok) {
      mine++;
      if ((mine & 255) === 0) Atomics.add(ctl, PROGRESS + data.index, 1);
    }
    Atomics.add(ctl, GRANTED, mine);
    Atomics.add(ctl, DONE, 1);
  }
}
