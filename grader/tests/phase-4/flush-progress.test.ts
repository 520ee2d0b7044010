import { describe, expect, it } from 'vitest';
import { runWatched } from '../../src/harness/watchdog.ts';
import { loadFlush, loadLimiter, loadTable } from './fixtures/target.ts';
import { limiterLockName, lockReport } from './fixtures/lock-report.ts';
import type { AllowLoopData, AllowLoopResult } from './fixtures/allow-loop.worker.ts';
import type { FlushLoopData, FlushLoopResult } from './fixtures/flush-loop.worker.ts';

const RUN_MS = 1000;
const STRIPES = 7;
const allowLoop = new URL('./fixtures/allow-loop.worker.ts', import.meta.url);
const flushLoop = new URL('./fixtures/flush-loop.worker.ts', import.meta.url);

const sum = (records: Array<Record<string, number>>, key: string) => records.reduce((a, r) => a + (r[key] ?? 0), 0);

describe('flush progress: allow() and flushes running together never deadlock and lose nothing', () => {
  it('one flush reports every client of every stripe once, with its exact counts, and resets them', async () => {
    const { createLimiterState, SlidingWindowLimiter } = await loadLimiter();
    const { flushCounters } = await loadFlush();
    const shared = createLimiterState({ limit: 2, windowMs: 1000, locking: 'striped', stripes: STRIPES, slotsPerStripe: 32, maxOwners: 2 });
    // One thread, nobody else holds a lock: lock() never has to wait here.
    const limiter = new SlidingWindowLimiter(shared, 1, { now: () => 5000 });
    const clients: string[] = [];
    const perStripe = new Array<number>(STRIPES).fill(0);
    for (let i = 0; perStripe.some((n) => n < 2) && i < 10_000; i++) {
      const id = `flush-${i}`;
      const s = limiter.stripes.stripeOf(id);
      if (perStripe[s]! < 3) {
        perStripe[s]!++;
        clients.push(id);
      }
    }
    const sent = new Map(clients.map((c, i) => [c, 1 + (i % 4)]));
    for (const [c, n] of sent) for (let k = 0; k < n; k++) limiter.allow(c);

    const first = flushCounters(limiter);
    const seen = new Map<string, { allowed: number; rejected: number }>();
    for (const r of first) {
      expect(seen.has(r.clientId), `the flush reported client "${r.clientId}" twice`).toBe(false);
      seen.set(r.clientId, { allowed: r.allowed, rejected: r.rejected });
    }
    for (const [c, n] of sent) {
      const stripe = limiter.stripes.stripeOf(c);
      const want = { allowed: Math.min(n, 2), rejected: Math.max(0, n - 2) };
      const got = seen.get(c);
      expect(
        got,
        `client "${c}" (stripe ${stripe} of 0..${STRIPES - 1}) sent ${n} requests (limit 2): the flush should report ${JSON.stringify(want)}, got ${got ? JSON.stringify(got) : 'nothing'}` +
          (got ? '' : ' — does the flush visit every stripe, 0 through stripes - 1?'),
      ).toEqual(want);
    }
    const second = flushCounters(limiter).filter((r) => r.allowed !== 0 || r.rejected !== 0);
    expect(
      second.map((r) => `${r.clientId}: ${r.allowed}/${r.rejected}`),
      'a second flush with no requests in between should report nothing: the first flush must reset the counters it read (takeCounts)',
    ).toEqual([]);
  });

  it('a client that was only rejected since the previous flush is reported, with allowed 0', async () => {
    const { createLimiterState, SlidingWindowLimiter } = await loadLimiter();
    const { flushCounters } = await loadFlush();
    for (const locking of ['global', 'striped'] as const) {
      const shared = createLimiterState({ limit: 2, windowMs: 1000, locking, stripes: STRIPES, slotsPerStripe: 8, maxOwners: 2 });
      const limiter = new SlidingWindowLimiter(shared, 1, { now: () => 5000 });
      for (let k = 0; k < 3; k++) limiter.allow('noisy');
      const first = flushCounters(limiter).filter((r) => r.clientId === 'noisy');
      expect(first, `${locking} lock: client "noisy" sent 3 requests (limit 2): the flush should report 2 allowed, 1 rejected`).toEqual([
        { clientId: 'noisy', allowed: 2, rejected: 1 },
      ]);
      // Same instant: both are rejected, none allowed.
      limiter.allow('noisy');
      limiter.allow('noisy');
      const second = flushCounters(limiter).filter((r) => r.clientId === 'noisy');
      expect(
        second,
        `${locking} lock: client "noisy" was rejected twice since the previous flush and allowed never: the flush should report ` +
          `{ allowed: 0, rejected: 2 }, got ${JSON.stringify(second)} — a client with only rejections still has counts to report`,
      ).toEqual([{ clientId: 'noisy', allowed: 0, rejected: 2 }]);
    }
  });

  it(`2 request threads + 2 flushing threads for ${RUN_MS} ms: every thread keeps moving, every count arrives once`, async () => {
    const { createLimiterState } = await loadLimiter();
    const { ClientTable } = await loadTable();
    const shared = createLimiterState({ limit: 5, windowMs: 20, locking: 'striped', stripes: STRIPES, slotsPerStripe: 32, maxOwners: 4 });
    const clients = Array.from({ length: 60 }, (_, i) => `client-${i}`);
    const names = ['requests-1', 'requests-2', 'flusher-1', 'flusher-2'];
    const run = await runWatched<AllowLoopResult | FlushLoopResult, AllowLoopData | FlushLoopData>({
      threads: [
        { name: names[0]!, entry: allowLoop, data: { shared, owner: 1, clients, rounds: Number.MAX_SAFE_INTEGER } },
        { name: names[1]!, entry: allowLoop, data: { shared, owner: 2, clients: [...clients].reverse(), rounds: Number.MAX_SAFE_INTEGER } },
        { name: names[2]!, entry: flushLoop, data: { shared, owner: 3 } },
        { name: names[3]!, entry: flushLoop, data: { shared, owner: 4 } },
      ],
      runMs: RUN_MS,
      stallMs: 1000,
      deadlineMs: RUN_MS + 5000,
      describe: lockReport(shared.locks, names, limiterLockName),
    });

    const requests = run.results.slice(0, 2) as AllowLoopResult[];
    const flushes = run.results.slice(2) as FlushLoopResult[];
    names.forEach((name, i) => {
      expect(run.progress[i]!, `${name} made no progress at all in ${RUN_MS} ms`).toBeGreaterThan(0);
    });
    flushes.forEach((f, i) => {
      expect(f.flushes, `${names[i + 2]} completed only ${f.flushes} flushes in ${RUN_MS} ms: flushes are starved`).toBeGreaterThanOrEqual(3);
    });

    // What no flush took yet is still in the table: read it directly (every thread has ended).
    const table = new ClientTable(shared.clients, { regions: STRIPES, slotsPerRegion: 32, logCapacity: 5 });
    const left: Record<string, { allowed: number; rejected: number }> = {};
    for (let region = 0; region < STRIPES; region++) {
      for (const slot of table.usedSlots(region)) left[table.clientId(slot)] = table.takeCounts(slot);
    }
    for (const c of clients) {
      for (const kind of ['allowed', 'rejected'] as const) {
        const seen = sum(requests.map((r) => r[kind]), c);
        const flushed = sum(flushes.map((f) => f[kind]), c);
        const remaining = left[c]?.[kind] ?? 0;
        expect(
          flushed + remaining,
          `client "${c}": the request threads saw ${seen} ${kind}, the flushes reported ${flushed} and ${remaining} were still unflushed — ` +
            (flushed + remaining > seen ? 'some counts were reported twice (read without being reset under the lock?)' : 'some counts were lost (reset without being reported, or an update raced a flush)'),
        ).toBe(seen);
      }
    }
  });
});
