import { describe, expect, it } from 'vitest';
import { runWatched } from '../../src/harness/watchdog.ts';
import { loadLimiter, loadMutex, loadStriped } from './fixtures/target.ts';
import { limiterLockName, lockReport } from './fixtures/lock-report.ts';
import { runScript } from './fixtures/run-script.ts';
import type { AllowLoopData, AllowLoopResult } from './fixtures/allow-loop.worker.ts';
import type { ScriptStep } from './fixtures/limiter-script.worker.ts';

const allowLoop = new URL('./fixtures/allow-loop.worker.ts', import.meta.url);

describe('client isolation: every client has its own window, in every thread', () => {
  it('isPrime and the stripe pool: prime sizes only, same id -> same stripe, ids spread over all stripes', async () => {
    const { isPrime, StripedLocks } = await loadStriped();
    const { LockTable } = await loadMutex();
    for (const [n, want] of [[2, true], [3, true], [5, true], [31, true], [10007, true], [2147483647, true], [1, false], [0, false], [-7, false], [-2, false], [4, false], [9, false], [25, false], [49, false], [91, false], [961, false], [10005, false], [2.5, false], [NaN, false], [Infinity, false]] as const) {
      expect(isPrime(n), `isPrime(${n}) should be ${want}`).toBe(want);
    }
    const table = LockTable.create(40, 2);
    expect(() => new StripedLocks(table, 0, 30), 'a pool of 30 stripes (not prime) should be refused with an error').toThrow();
    for (const [first, count] of [[10, 31], [-1, 31], [1.5, 31], [0, 41]] as const) {
      expect(() => new StripedLocks(table, first, count), `stripes ${first}..${first + count - 1} do not fit in a table of 40 locks (0..39): should be refused`).toThrow();
    }
    const whole = new StripedLocks(LockTable.create(7, 2), 0, 7);
    expect(whole.mutexAt(0).index, 'a pool of 7 stripes starting at lock 0 of a 7-lock table: stripe 0 should be lock 0').toBe(0);
    expect(whole.mutexAt(6).index, 'a pool of 7 stripes starting at lock 0 of a 7-lock table: stripe 6 should be lock 6').toBe(6);
    const pool = new StripedLocks(table, 1, 31);
    const counts = new Array<number>(31).fill(0);
    const N = 3100;
    for (let i = 0; i < N; i++) {
      const id = `client-${i}`;
      const s = pool.stripeOf(id);
      expect(Number.isInteger(s) && s >= 0 && s < 31, `stripeOf("${id}") = ${s}, expected an integer in 0..30`).toBe(true);
      expect(pool.stripeOf(id), `stripeOf("${id}") must give the same stripe every time`).toBe(s);
      counts[s]!++;
    }
    const mean = N / 31;
    const max = Math.max(...counts);
    const empty = counts.filter((c) => c === 0).length;
    expect(empty, `${N} ids like "client-17" left ${empty} of 31 stripes unused: the hash does not spread similar ids`).toBe(0);
    expect(max, `one stripe got ${max} of ${N} ids (fair share ${mean.toFixed(0)}): the hash piles similar ids onto few stripes`).toBeLessThan(2 * mean);
  });

  it('hashClientId is 32-bit FNV-1a of the UTF-16 units, and stripeOf is that hash modulo the pool size', async () => {
    const { hashClientId, StripedLocks } = await loadStriped();
    const { LockTable } = await loadMutex();
    // The published FNV-1a test vectors (ASCII: one UTF-16 unit per byte).
    for (const [id, want] of [['', 0x811c9dc5], ['a', 0xe40c292c], ['foobar', 0xbf9cf968]] as const) {
      const got = hashClientId(id);
      expect(got, `hashClientId(${JSON.stringify(id)}) should be FNV-1a 0x${want.toString(16)}, got ${typeof got === 'number' ? `0x${(got >>> 0).toString(16)} (${got})` : String(got)}`).toBe(want);
    }
    const pool = new StripedLocks(LockTable.create(32, 2), 1, 31);
    const ids = ['client-17', 'tenant-0', 'é', 'Ωmega', 'user😀', 'x'.repeat(64), ...Array.from({ length: 200 }, (_, i) => `id-${i * 7919}`)];
    for (const id of ids) {
      const want = fnv1a(id);
      const got = hashClientId(id);
      expect(got, `hashClientId(${JSON.stringify(id)}) should be ${want} (FNV-1a over charCodeAt units, Math.imul, then >>> 0), got ${got}`).toBe(want);
      expect(pool.stripeOf(id), `stripeOf(${JSON.stringify(id)}) with 31 stripes should be hash % 31 = ${want % 31}`).toBe(want % 31);
    }
  });

  it('lockFor: the global lock for every stripe in global mode, the stripe\'s own lock in striped mode', async () => {
    const { createLimiterState, SlidingWindowLimiter, GLOBAL_LOCK } = await loadLimiter();
    for (const locking of ['global', 'striped'] as const) {
      const shared = createLimiterState({ limit: 2, windowMs: 1000, locking, stripes: 7, slotsPerStripe: 4, maxOwners: 2 });
      const limiter = new SlidingWindowLimiter(shared, 1, { now: () => 0 });
      for (let stripe = 0; stripe < 7; stripe++) {
        const want = locking === 'global' ? GLOBAL_LOCK : limiter.stripes.mutexAt(stripe).index;
        const got = limiter.lockFor(stripe).index;
        expect(got, `${locking} mode: lockFor(${stripe}) should be lock ${want}${locking === 'striped' ? ' (stripes.mutexAt(stripe))' : ' (the global lock)'}, got lock ${got}`).toBe(want);
      }
    }
  });

  it('a client that is over its limit does not affect another client', async () => {
    const { createLimiterState } = await loadLimiter();
    const shared = createLimiterState({ limit: 2, windowMs: 1000, locking: 'striped', stripes: 7, slotsPerStripe: 64, maxOwners: 2 });
    const clients = Array.from({ length: 120 }, (_, i) => `tenant-${i}`);
    // Every client sends 3 at the same instant, interleaved with the others: 2 allowed, then 1 rejected.
    const steps: ScriptStep[] = [0, 1, 2].flatMap(() => clients.map((client) => ({ at: 500, client })));
    const got = await runScript(shared, steps);
    steps.forEach((s, i) => {
      const o = got[i]!;
      const want = i < 2 * clients.length;
      const seen = 'error' in o ? `threw ${o.error.name}: ${o.error.message}` : o.decision.allowed ? 'allowed' : 'rejected';
      expect(
        'decision' in o && o.decision.allowed === want,
        `request ${Math.floor(i / clients.length) + 1} of "${s.client}" (limit 2, 120 clients at once): expected ${want ? 'allowed' : 'rejected'}, got ${seen}`,
      ).toBe(true);
    });
  });

  for (const locking of ['global', 'striped'] as const) {
    it(`4 workers sharing 40 clients with a frozen clock: each client gets exactly its limit in total (${locking} lock)`, async () => {
      const { createLimiterState } = await loadLimiter();
      const limit = 50;
      const shared = createLimiterState({ limit, windowMs: 60_000, locking, stripes: 7, slotsPerStripe: 32, maxOwners: 4 });
      const clock = new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT);
      new Float64Array(clock)[0] = 1000;
      const clients = Array.from({ length: 40 }, (_, i) => `shared-${i}`);
      const names = ['w1', 'w2', 'w3', 'w4'];
      const run = await runWatched<AllowLoopResult, AllowLoopData>({
        entry: allowLoop,
        // Each worker walks the clients from a different start, so they meet on the same client.
        threads: names.map((name, i) => ({
          name,
          data: { shared, clock, owner: i + 1, clients: [...clients.slice(i * 10), ...clients.slice(0, i * 10)], rounds: 2 * limit },
        })),
        stallMs: 2000,
        describe: lockReport(shared.locks, names, limiterLockName),
      });
      for (const c of clients) {
        const total = run.results.reduce((a, r) => a + (r.allowed[c] ?? 0), 0);
        const perWorker = run.results.map((r, i) => `${names[i]}: ${r.allowed[c]}`).join(', ');
        expect(
          total,
          `client "${c}" was allowed ${total} times across 4 workers (${perWorker}), limit ${limit} per window: ` +
            (total > limit ? 'two threads updated its window at once — is every access to the table under the right lock?' : 'requests were lost'),
        ).toBe(limit);
      }
    });
  }
});

/** FNV-1a, 32 bits, over UTF-16 code units: the rule of exercise 4.2, written plainly. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
