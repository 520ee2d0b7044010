import { describe, expect, it } from 'vitest';
import { loadLimiter, loadMutex, loadStriped, type LimiterShared } from './fixtures/target.ts';
import { limiterLockName } from './fixtures/lock-report.ts';
import { outcomeText, runScript } from './fixtures/run-script.ts';
import type { ScriptStep } from './fixtures/limiter-script.worker.ts';

const STRIPES = 3;
const SLOTS = 2;

/** `count` ids that all hash to the same stripe (found with the tree's own stripeOf). */
async function idsInOneStripe(shared: LimiterShared, count: number): Promise<string[]> {
  const { StripedLocks } = await loadStriped();
  const { LockTable } = await loadMutex();
  const pool = new StripedLocks(new LockTable(shared.locks), 1, shared.stripes);
  const target = pool.stripeOf('full-0');
  const ids = ['full-0'];
  for (let i = 1; ids.length < count; i++) if (pool.stripeOf(`full-${i}`) === target) ids.push(`full-${i}`);
  return ids;
}

describe('release on error: no lock stays held after an error', () => {
  it('withLock releases the lock when the callback throws, and passes the error on', async () => {
    const { LockTable, FREE } = await loadMutex();
    const m = LockTable.create(1, 2).mutex(0);
    expect(m.withLock(2, () => 42), 'withLock should return the callback result').toBe(42);
    expect(m.owner(), 'the lock is still held after withLock returned').toBe(FREE);
    const boom = new Error('boom in the critical section');
    expect(() => m.withLock(1, () => {
      throw boom;
    }), 'withLock should rethrow the callback error').toThrow(boom);
    expect(m.owner(), 'the lock is still held after the callback threw: release it in a finally block').toBe(FREE);
  });

  for (const locking of ['global', 'striped'] as const) {
    it(`allow() that throws (table full, bad client id) leaves every lock free (${locking} lock)`, async () => {
      const { createLimiterState } = await loadLimiter();
      const shared = createLimiterState({ limit: 2, windowMs: 1000, locking, stripes: STRIPES, slotsPerStripe: SLOTS, maxOwners: 2 });
      const [a, b, extra] = await idsInOneStripe(shared, SLOTS + 1);
      const steps: ScriptStep[] = [
        { at: 100, client: a! },
        { at: 100, client: b! },
        { at: 100, client: extra! }, // its region already holds SLOTS clients: ClientTableFullError
        { at: 100, client: a! }, // must still be served, by the same thread
        { at: 100, client: '' }, // invalid id
        { at: 100, client: 'x'.repeat(100) }, // too long
        { at: 100, client: b! },
      ];
      const got = await runScript(shared, steps);
      const label = ['first client', 'second client', 'a client of a full region', 'the first client again', 'an empty client id', 'a 100-byte client id', 'the second client again'];
      got.forEach((o, i) => {
        expect(
          o.heldAfter.map(limiterLockName),
          `after ${label[i]} (${outcomeText(o)}), locks were still held: ${o.heldAfter.map(limiterLockName).join(', ')}. ` +
            'Release the lock on every path out of allow(), also when something inside throws (try/finally).',
        ).toEqual([]);
      });
      expect('error' in got[2]! && got[2].error.name, `a client of a full region should throw ClientTableFullError, got ${outcomeText(got[2]!)}`).toBe(
        'ClientTableFullError',
      );
      for (const i of [0, 1, 3, 6]) {
        expect('decision' in got[i]! && got[i].decision.allowed, `${label[i]} should be allowed after the error, got ${outcomeText(got[i]!)}`).toBe(true);
      }
      for (const i of [4, 5]) {
        expect('error' in got[i]! && got[i].error.name, `${label[i]} should throw InvalidClientIdError, got ${outcomeText(got[i]!)}`).toBe(
          'InvalidClientIdError',
        );
      }
    });
  }
});
