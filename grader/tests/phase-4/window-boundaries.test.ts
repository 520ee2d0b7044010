import { describe, expect, it } from 'vitest';
import { rng, seedTag } from '../../src/harness/random.ts';
import { loadLimiter, loadTable } from './fixtures/target.ts';
import { outcomeText, runScript } from './fixtures/run-script.ts';
import type { ScriptStep, StepOutcome } from './fixtures/limiter-script.worker.ts';

const LIMIT = 3;
const WINDOW = 1000;

/** The rule, stated plainly: allowed when fewer than `limit` accepted requests are less than `windowMs` old. */
function model(steps: ScriptStep[], limit: number, windowMs: number): Array<{ allowed: boolean; retryAfterMs?: number }> {
  const accepted = new Map<string, number[]>();
  return steps.map(({ at, client }) => {
    const inWindow = (accepted.get(client) ?? []).filter((t) => at - t < windowMs);
    accepted.set(client, inWindow);
    if (inWindow.length < limit) {
      inWindow.push(at);
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: inWindow[inWindow.length - limit]! + windowMs - at };
  });
}

function decisions(outcomes: StepOutcome[]) {
  return outcomes.map((o) => {
    if ('error' in o) throw new Error(`allow() threw ${o.error.name}: ${o.error.message}`);
    return o.decision;
  });
}

async function limiterState(limit = LIMIT, windowMs = WINDOW) {
  const { createLimiterState } = await loadLimiter();
  return createLimiterState({ limit, windowMs, locking: 'global', stripes: 7, slotsPerStripe: 16, maxOwners: 4 });
}

describe('window boundaries: the sliding window is exact', () => {
  it(`allows ${LIMIT} per ${WINDOW} ms, rejects the next, and frees the window exactly ${WINDOW} ms later`, async () => {
    const T = 5000;
    const steps: ScriptStep[] = [
      { at: T, client: 'a' },
      { at: T, client: 'a' },
      { at: T, client: 'a' },
      { at: T, client: 'a' },
      { at: T + WINDOW - 1, client: 'a' },
      { at: T + WINDOW, client: 'a' },
      { at: T + WINDOW, client: 'a' },
      { at: T + WINDOW, client: 'a' },
      { at: T + WINDOW, client: 'a' },
    ];
    const got = decisions(await runScript(await limiterState(), steps));
    for (let i = 0; i < 3; i++) {
      expect(got[i]!.allowed, `Expected request ${i + 1} of client "a" at t=${T} to be allowed (limit ${LIMIT})`).toBe(true);
    }
    expect(got[3], `Expected request 4 of client "a" at t=${T} to be rejected with retryAfterMs ${WINDOW} (limit ${LIMIT} reached)`).toEqual({
      allowed: false,
      retryAfterMs: WINDOW,
    });
    expect(got[4], `Expected a request at t=${T + WINDOW - 1} to be rejected with retryAfterMs 1: the requests at t=${T} are still 1 ms inside the window`).toEqual({
      allowed: false,
      retryAfterMs: 1,
    });
    for (let i = 5; i < 8; i++) {
      expect(
        got[i]!.allowed,
        `Expected request ${i - 4} at t=${T + WINDOW} to be allowed: the requests at t=${T} are exactly windowMs=${WINDOW} old and have left the window ` +
          `(a time t counts while now - t < windowMs), got ${got[i]!.allowed ? 'allowed' : 'rejected'}`,
      ).toBe(true);
    }
    expect(got[8]!.allowed, `Expected request 4 at t=${T + WINDOW} to be rejected again (limit ${LIMIT})`).toBe(false);
  });

  it('a limit of 1 works, bad limiter options are refused, and owners outside 1..maxOwners cannot attach', async () => {
    const { createLimiterState, SlidingWindowLimiter } = await loadLimiter();
    const bad: Array<[string, Record<string, unknown>]> = [
      ['windowMs 0', { windowMs: 0 }],
      ['windowMs -5', { windowMs: -5 }],
      ['windowMs NaN', { windowMs: NaN }],
      ['locking "stripy"', { locking: 'stripy' }],
      ['limit 0', { limit: 0 }],
      ['limit 2.5', { limit: 2.5 }],
    ];
    for (const [what, change] of bad) {
      const opts = { limit: LIMIT, windowMs: WINDOW, locking: 'global', stripes: 7, slotsPerStripe: 16, maxOwners: 4, ...change };
      expect(() => createLimiterState(opts as Parameters<typeof createLimiterState>[0]), `createLimiterState with ${what} should throw`).toThrow();
    }
    const shared = createLimiterState({ limit: 1, windowMs: WINDOW, locking: 'striped', stripes: 7, slotsPerStripe: 16, maxOwners: 2 });
    expect(() => new SlidingWindowLimiter(shared, 3, { now: () => 0 }), 'attaching as owner 3 to a limiter made for maxOwners 2 should throw').toThrow();
    const times = [0, 0, 999, 1000, 1000, 2500];
    const got = decisions(await runScript(shared, times.map((at) => ({ at, client: 'solo' }))));
    const want = model(times.map((at) => ({ at, client: 'solo' })), 1, WINDOW);
    got.forEach((d, i) => {
      expect(d, `limit 1 per ${WINDOW} ms, request at t=${times[i]} (times ${times.join(', ')}): expected ${JSON.stringify(want[i])}`).toEqual(want[i]);
    });
  });

  it('slides: each accepted request frees its place exactly windowMs after it was accepted', async () => {
    const times = [0, 300, 600, 900, 1000, 1100, 1299, 1300, 1301];
    const steps = times.map((at) => ({ at: 10_000 + at, client: 'b' }));
    const got = decisions(await runScript(await limiterState(), steps));
    const want = model(steps, LIMIT, WINDOW);
    got.forEach((d, i) => {
      expect(d, `request at t=${times[i]} (times ${times.join(', ')}; limit ${LIMIT} per ${WINDOW} ms): expected ${JSON.stringify(want[i])}`).toEqual(want[i]);
    });
  });

  it('matches the rule on a long random sequence of several clients across many windows', async () => {
    const random = rng();
    const limit = 1 + Math.floor(random() * 5);
    const windowMs = 100 + Math.floor(random() * 900);
    let at = 1_000_000;
    const steps: ScriptStep[] = [];
    for (let i = 0; i < 3000; i++) {
      // Gaps of 0 and of exactly windowMs land requests on window boundaries often.
      const r = random();
      at += r < 0.3 ? 0 : r < 0.4 ? windowMs : Math.floor(random() * (windowMs / 2));
      steps.push({ at, client: `c${Math.floor(random() * 4)}` });
    }
    const got = await runScript(await limiterState(limit, windowMs), steps);
    const want = model(steps, limit, windowMs);
    const bad = want.findIndex((w, i) => {
      const o = got[i]!;
      return 'error' in o || JSON.stringify(o.decision) !== JSON.stringify(w);
    });
    if (bad >= 0) {
      const s = steps[bad]!;
      const history = steps
        .slice(0, bad)
        .filter((p) => p.client === s.client && s.at - p.at < 2 * windowMs)
        .map((p) => `${s.at - p.at} ms ago`)
        .join(', ');
      expect.fail(
        `step ${bad}: client "${s.client}" at t=${s.at} (limit ${limit} per ${windowMs} ms): expected ${
          want[bad]!.allowed ? 'allowed' : `rejected (retry in ${want[bad]!.retryAfterMs} ms)`
        }, got ${outcomeText(got[bad]!)}. Its earlier requests in the last two windows: ${history || 'none'} ${seedTag()}`,
      );
    }
  });

  it('decide() follows the rule for every limit from 1 to 6, at and around the window edge', async () => {
    const { decide } = await loadLimiter();
    const { ClientTable } = await loadTable();
    const random = rng();
    for (let limit = 1; limit <= 6; limit++) {
      const windowMs = 50 + Math.floor(random() * 500);
      const log = (() => {
        const table = ClientTable.create({ regions: 1, slotsPerRegion: 1, logCapacity: limit });
        return table.log(table.slotFor(0, 'c'));
      })();
      const steps: ScriptStep[] = [];
      let at = 10_000;
      for (let i = 0; i < 400; i++) {
        // Gaps that land exactly on, one before and one after the edge of the window, and none.
        const r = random();
        at += r < 0.25 ? 0 : r < 0.4 ? windowMs : r < 0.5 ? windowMs - 1 : r < 0.6 ? 1 : Math.floor(random() * windowMs);
        steps.push({ at, client: 'c' });
      }
      const want = model(steps, limit, windowMs);
      for (let i = 0; i < steps.length; i++) {
        const got = decide(log, steps[i]!.at, limit, windowMs);
        if (JSON.stringify(got) !== JSON.stringify(want[i])) {
          const history = steps
            .slice(0, i)
            .filter((p) => steps[i]!.at - p.at < 2 * windowMs)
            .map((p) => `${steps[i]!.at - p.at} ms ago`)
            .join(', ');
          expect.fail(
            `decide() at step ${i}, limit ${limit} per ${windowMs} ms: expected ${JSON.stringify(want[i])}, got ${JSON.stringify(got)}. ` +
              `Earlier requests in the last two windows: ${history || 'none'} (a time t counts while now - t < windowMs; rejected requests are not recorded) ${seedTag()}`,
          );
        }
      }
    }
  });
});
