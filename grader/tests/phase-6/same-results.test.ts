import { readFileSync } from 'node:fs';
import { afterEach, expect, test } from 'vitest';
import { rng, seedTag } from '../../src/harness/random.ts';
import type { RunningService } from '../../src/harness/service.ts';
import { SCENARIO_TEST } from './assertions.ts';
import { post, startWithPool } from './service-load.ts';

const running: RunningService[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

/** Seeded valid payloads with explicit timestamps, plus one of each kind of refusal. */
function corpus(): string[] {
  const r = rng();
  const bodies: string[] = [];
  for (let b = 0; b < 6; b++) {
    const n = 1 + Math.floor(r() * 30);
    const metrics = Array.from({ length: n }, (_, i) => ({
      name: `same.m${b}_${i}`,
      value: Math.round(r() * 1e6) / 100 - 500,
      timestamp: 1_700_000_000_000 + Math.floor(r() * 1e9),
      tags: { host: `h${Math.floor(r() * 5)}`, batch: String(b) },
    }));
    bodies.push(JSON.stringify({ metrics }));
  }
  bodies.push('{"metrics":[{"name":"cpu","value":1}'); // truncated: ParseError with a position
  bodies.push('{"metrics":[{"name":"cpu","value":"75.5","timestamp":1700000000000}]}'); // ValidationError
  bodies.push('{"metrics":[]}');
  bodies.push('{"metrics":[{"value":1,"timestamp":1700000000000}]}');
  return bodies;
}

/** The data file's lines once the writer has flushed: the same count on two reads 300 ms apart. */
async function flushedLines(svc: RunningService): Promise<string[]> {
  let last = -1;
  for (const end = Date.now() + 6_000; Date.now() < end; ) {
    const lines = storedLines(svc);
    if (lines.length > 0 && lines.length === last) return lines;
    last = lines.length;
    await new Promise((r) => setTimeout(r, 300));
  }
  return storedLines(svc);
}

const storedLines = (svc: RunningService): string[] => {
  let text = '';
  try {
    text = readFileSync(svc.dataFile, 'utf8');
  } catch {
    // nothing stored yet
  }
  return text.split('\n').filter(Boolean).sort();
};

test('the pool gives the same answers and stores the same metrics as level 5', SCENARIO_TEST, async () => {
  const bodies = corpus();
  const [before, pool] = await Promise.all([startWithPool(5), startWithPool(6)]);
  running.push(before!, pool!);
  const got = await Promise.all(bodies.map((b) => post(pool!, b, 30_000)));
  const unfinished = got.find((a) => a.status === 501);
  if (unfinished) throw new Error(`level 6 answered 501: ${unfinished.text}`);
  // Level 5 starts a Worker per request: send its requests together so the check stays quick.
  const expected = await Promise.all(bodies.map((b) => post(before!, b, 30_000)));
  bodies.forEach((b, i) => {
    const what = `body #${i} (${b.length > 80 ? b.slice(0, 80) + '…' : b}) ${seedTag()}`;
    expect(got[i]!.status, `Expected the same status as level 5 for ${what}: ${expected[i]!.text} vs ${got[i]!.text}`).toBe(expected[i]!.status);
    expect(JSON.parse(got[i]!.text), `Expected the same JSON answer as level 5 for ${what}`).toEqual(JSON.parse(expected[i]!.text));
  });
  const [want, have] = await Promise.all([flushedLines(before!), flushedLines(pool!)]);
  expect(want.length, 'Expected level 5 to store the valid metrics (the reference side of this check)').toBeGreaterThan(0);
  expect(have, `Expected level 6 to store exactly the metrics level 5 stored (${want.length} lines) ${seedTag()}`).toEqual(want);
});
