import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { Piscina } from 'piscina';
import { findPhase } from '../../grader/src/registry/index.ts';
import { materialize, removeTree } from '../../grader/src/tree/materialize.ts';

/**
 * Not graded: our WorkerPool (from a phase-6 tree) against piscina, on the same task, the same
 * number of threads and the same number of tasks in flight, alternating rounds so both see the
 * same machine. `npm run bench:pool [-- --size 2 --tasks 20000 --rounds 3 --target <tree>]`.
 */
interface Pool {
  run(body: string): Promise<unknown>;
  close(): Promise<void>;
}

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '2' },
    tasks: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '3' },
    target: { type: 'string' },
  },
});
const size = Number(values.size);
const tasks = Number(values.tasks);
const rounds = Number(values.rounds);
const INFLIGHT = [1, size, 4 * size, 32 * size];
const TASK = new URL('./task.mjs', import.meta.url);
const BODY = JSON.stringify({ metrics: Array.from({ length: 10 }, (_, i) => ({ name: `cpu.${i}`, value: i * 1.5 })) });

const phase = findPhase(6)!;
const tree = values.target ? path.resolve(values.target) : materialize(phase, { kind: 'solution' });
type WorkerPoolCtor = new (o: { handler: URL; size: number; maxQueue: number }) => {
  submit(task: string): Promise<unknown>;
  close(): Promise<void>;
};
const { WorkerPool } = (await import(pathToFileURL(path.join(tree, 'starter/src/pool/worker-pool.ts')).href)) as { WorkerPool: WorkerPoolCtor };

function ours(): Pool {
  const pool = new WorkerPool({ handler: TASK, size, maxQueue: 64 * size });
  return { run: (b) => pool.submit(b), close: () => pool.close() };
}
function piscina(): Pool {
  const pool = new Piscina({ filename: TASK.href, minThreads: size, maxThreads: size, maxQueue: 64 * size });
  return { run: (b) => pool.run(b), close: () => pool.destroy() };
}

/** Keep `inflight` tasks running until `n` are done; tasks per second. */
async function drive(pool: Pool, n: number, inflight: number): Promise<number> {
  let started = 0;
  const t0 = performance.now();
  const lane = async (): Promise<void> => {
    while (started < n) {
      started++;
      await pool.run(BODY);
    }
  };
  await Promise.all(Array.from({ length: inflight }, lane));
  return n / ((performance.now() - t0) / 1000);
}

const kinds = { WorkerPool: ours, piscina } as const;
const best: Record<string, Record<number, number>> = { WorkerPool: {}, piscina: {} };
try {
  for (let r = 0; r < rounds; r++) {
    for (const [name, make] of Object.entries(kinds)) {
      const pool = make();
      await drive(pool, 2_000, size); // warm-up: threads started, code optimized
      for (const k of INFLIGHT) best[name]![k] = Math.max(best[name]![k] ?? 0, await drive(pool, tasks, k));
      await pool.close();
    }
  }
} finally {
  if (!values.target) removeTree(tree);
}
console.log(`${size} threads, ${tasks} tasks per measurement, best of ${rounds} alternating rounds (tasks/s)`);
console.log(['in flight', 'WorkerPool', 'piscina', 'ratio'].map((h) => h.padStart(12)).join(''));
for (const k of INFLIGHT) {
  const a = best.WorkerPool![k]!;
  const b = best.piscina![k]!;
  console.log([String(k), a.toFixed(0), b.toFixed(0), (a / b).toFixed(2) + 'x'].map((c) => c.padStart(12)).join(''));
}
