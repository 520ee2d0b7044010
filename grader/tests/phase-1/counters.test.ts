import { describe, expect, it } from 'vitest';
import { importTarget } from '../../src/harness/target.ts';
import { runWatched } from '../../src/harness/watchdog.ts';
import type { CounterJob, CountersModule } from './fixtures/counter-protocol.ts';

// Check `counters`: SharedCounters stays exact when several workers add at the same time.
// Real threads, a start barrier so they overlap, at least 1e6 calls each, and a bounded run time
// during which all of them are busy: without Atomics this loses a large share of the updates on
// every run (30-75% measured with 4 workers x 1e6), with Atomics none.

const WORKERS = 4;
const entry = new URL('./fixtures/counter-worker.ts', import.meta.url);

async function hammer(plan: CounterJob['plan'], minIterations: number) {
  const { SharedCounters } = await importTarget<CountersModule>('src/stats/shared-counters.ts');
  const counters = new SharedCounters();
  const run = await runWatched<number, CounterJob>({
    entry,
    threads: Array.from({ length: WORKERS }, (_, i) => ({
      name: `w${i + 1}`,
      data: { counters: counters.buffer, plan, minIterations },
    })),
    runMs: 500,
    stallMs: 3_000,
    deadlineMs: 20_000,
    describe: () => 'every stuck worker was inside SharedCounters.add',
  });
  const iterations = run.results.reduce((a, b) => a + b, 0);
  return { counters, iterations };
}

function lostMessage(name: string, expected: number, got: number, calls: string): string {
  const lost = expected - got;
  return (
    `Expected ${name} = ${expected} after ${calls}, got ${got}: ${lost} updates lost ` +
    `(${((100 * lost) / expected).toFixed(1)}%). Two workers read the same old value and both wrote ` +
    `old + delta; make the read-modify-write a single Atomics operation.`
  );
}

describe('shared counters across workers', () => {
  it(`${WORKERS} workers x 1e6 add('requests') lose no update`, { timeout: 40_000 }, async () => {
    const { counters, iterations } = await hammer([['requests', 1]], 1_000_000);
    const got = counters.get('requests');
    if (got !== iterations) {
      expect.fail(lostMessage('requests', iterations, got, `${WORKERS} workers called add('requests', 1) ${iterations} times at once`));
    }
  });

  it('every counter keeps its own slot and its delta, under contention', { timeout: 40_000 }, async () => {
    const plan = [
      ['requests', 1],
      ['accepted', 5],
      ['rejected', 1],
      ['errors', 2],
    ] as const;
    const { counters, iterations } = await hammer(plan, 250_000);
    for (const [name, delta] of plan) {
      const expected = iterations * delta;
      const got = counters.get(name);
      if (got !== expected) {
        expect.fail(lostMessage(name, expected, got, `${WORKERS} workers called add('${name}', ${delta}) ${iterations} times in total`));
      }
    }
  });

  it('a second SharedCounters over the same buffer sees the same values', async () => {
    const { SharedCounters } = await importTarget<CountersModule>('src/stats/shared-counters.ts');
    const a = new SharedCounters();
    expect(a.get('accepted'), 'Expected a fresh counter to read 0').toBe(0);
    const b = new SharedCounters(a.buffer);
    a.add('accepted', 7);
    b.add('accepted');
    expect(b.get('accepted'), "Expected add('accepted', 7) then add('accepted') (delta 1 by default) on two views of one buffer to read 8").toBe(8);
    expect(a.get('errors'), "Expected add('accepted') to leave 'errors' at 0: each counter has its own slot").toBe(0);
  });

  it('a delta of 0 adds nothing, a negative delta subtracts, and values wrap like any Int32', async () => {
    const { SharedCounters } = await importTarget<CountersModule>('src/stats/shared-counters.ts');
    const c = new SharedCounters();
    c.add('rejected', 5);
    c.add('rejected', 0);
    expect(c.get('rejected'), "Expected add('rejected', 5) then add('rejected', 0) to read 5: a delta of 0 adds nothing (is there a `delta || 1`?)").toBe(5);
    c.add('rejected', -2);
    expect(c.get('rejected'), "Expected add('rejected', -2) after 5 to read 3: delta is any integer, negative ones subtract").toBe(3);
    c.add('requests', 2 ** 31 - 1);
    c.add('requests', 1);
    expect(c.get('requests'), 'Expected 2^31 - 1 plus 1 to wrap to -2^31, like any Int32 slot').toBe(-(2 ** 31));
  });

  it('counter i lives in Int32 slot i (COUNTER_NAMES order), the layout every thread relies on', async () => {
    const { SharedCounters } = await importTarget<CountersModule>('src/stats/shared-counters.ts');
    const c = new SharedCounters();
    const names = ['requests', 'accepted', 'rejected', 'errors'];
    names.forEach((name, i) => c.add(name, 10 + i));
    const raw = Array.from(new Int32Array(c.buffer, 0, names.length));
    expect(raw, `Expected the raw Int32 slots of the buffer to be [10, 11, 12, 13] after adding 10..13 to ${names.join(', ')}: use slotOf(name) for the index`).toEqual([10, 11, 12, 13]);
    const seen = names.map((name) => c.get(name));
    expect(seen, 'Expected get() to read back each counter from its own slot').toEqual([10, 11, 12, 13]);
  });

  it('counters live in shared memory or nowhere: an ArrayBuffer is a TypeError, a buffer too small a RangeError', async () => {
    const { SharedCounters } = await importTarget<CountersModule>('src/stats/shared-counters.ts');
    const refusal = (buffer: unknown): unknown => {
      try {
        new SharedCounters(buffer as SharedArrayBuffer);
      } catch (err) {
        return err;
      }
      return undefined;
    };
    expect(refusal(new ArrayBuffer(64)), 'Expected a plain ArrayBuffer to be refused with a TypeError: it would be copied to each worker, and each would count alone').toBeInstanceOf(TypeError);
    expect(refusal(new SharedArrayBuffer(4)), 'Expected a SharedArrayBuffer smaller than SharedCounters.BYTES to be refused with a RangeError').toBeInstanceOf(RangeError);
  });

  it('an unknown counter name is refused with a RangeError, and no slot changes', async () => {
    const { SharedCounters } = await importTarget<CountersModule>('src/stats/shared-counters.ts');
    const c = new SharedCounters();
    c.add('requests', 1);
    const before = Array.from(new Int32Array(c.buffer, 0, 4));
    let addErr: unknown;
    try {
      c.add('bogus', 1);
    } catch (err) {
      addErr = err;
    }
    let getErr: unknown;
    try {
      c.get('bogus');
    } catch (err) {
      getErr = err;
    }
    const after = Array.from(new Int32Array(c.buffer, 0, 4));
    expect(after, `Expected add('bogus') to change no slot, but the slots went from [${before}] to [${after}]: an undefined index is slot 0 for Atomics`).toEqual(before);
    expect(addErr, "Expected add('bogus') to throw a RangeError naming the counter: look the slot up with slotOf(name)").toBeInstanceOf(RangeError);
    expect(getErr, "Expected get('bogus') to throw a RangeError naming the counter: look the slot up with slotOf(name)").toBeInstanceOf(RangeError);
    expect(String((addErr as Error).message), 'Expected the error to name the unknown counter').toContain('bogus');
  });
});
