import { afterEach, expect, test } from 'vitest';
import { runLoad } from '../../src/harness/load.ts';
import type { RunningService } from '../../src/harness/service.ts';
import { SCENARIO_TEST } from './assertions.ts';
import { post, startWithPool, type Answer } from './service-load.ts';

const BODY = JSON.stringify({ metrics: [{ name: 'bp_probe', value: 1, timestamp: 1_700_000_000_000 }] });
let svc: RunningService | undefined;
afterEach(async () => {
  await svc?.stop();
  svc = undefined;
});

test('the service answers 503 + Retry-After + a JSON body exactly when the pool is full, and only then', SCENARIO_TEST, async () => {
  const size = 1;
  const maxQueue = 2;
  svc = await startWithPool(6, { size, maxQueue });
  const where = `(level 6, pool of ${size} worker, maxQueue ${maxQueue})`;
  const first = await post(svc, BODY, 20_000); // waits for the pre-started worker
  expect(first.status, `Expected 200 for a first POST ${where}, got ${first.status}: ${first.text}`).toBe(200);

  const sequential: number[] = [];
  for (let i = 0; i < 20; i++) sequential.push((await post(svc, BODY)).status);
  expect(
    sequential.filter((s) => s !== 200),
    `Expected every one of 20 requests sent one at a time to succeed ${where}: with one request in flight the pool is never full, so it must never refuse; statuses: ${sequential.join(' ')}`,
  ).toEqual([]);

  // A flood of 100 connections, and next to it single requests until one is refused, to read its headers and body.
  const target = svc;
  const flood = runLoad({ url: `${target.url}/metrics`, method: 'POST', body: BODY, connections: 100, durationSec: 2 });
  let refused: Answer | undefined;
  const until = Date.now() + 2_000;
  while (!refused && Date.now() < until) {
    const a = await post(target, BODY).catch(() => undefined);
    if (a?.status === 503) refused = a;
  }
  const r = await flood;
  const codes = JSON.stringify(r.statusCodes);
  expect(
    (r.statusCodes['503'] ?? 0) > 0 || refused !== undefined,
    `Expected 503 answers under 100 connections ${where}, got none (status codes ${codes}): the queue is not bounded — ` +
      'submit() must refuse with PoolQueueFullError once every worker is busy and maxQueue requests wait',
  ).toBe(true);
  const unexpected = Object.keys(r.statusCodes).filter((c) => c !== '200' && c !== '503');
  expect(unexpected, `Expected only 200 and 503 under overload ${where}, got status codes ${codes}`).toEqual([]);
  expect(r.errors + r.timeouts, `Expected no connection errors or timeouts under overload ${where}: refuse fast instead (${r.errors} errors, ${r.timeouts} timeouts)`).toBe(0);
  expect(r.ok, `Expected some requests to be accepted and answered 200 under overload ${where}`).toBeGreaterThan(0);

  expect(refused, `Expected a single POST sent during the flood to be refused with 503 at least once ${where}`).toBeDefined();
  const retryAfter = refused!.headers.get('retry-after');
  expect(Number.isInteger(Number(retryAfter)) && Number(retryAfter) >= 1, `Expected a Retry-After header of whole seconds >= 1 on the 503, got ${retryAfter}`).toBe(true);
  let body: { error?: unknown; retryAfterSec?: unknown } = {};
  try {
    body = JSON.parse(refused!.text) as typeof body;
  } catch {
    throw new Error(`Expected a JSON body on the 503, got: ${refused!.text.slice(0, 200)}`);
  }
  expect(typeof body.error, `Expected the 503 body to name the error, got ${refused!.text}`).toBe('string');
  expect(body.retryAfterSec, `Expected the 503 body's retryAfterSec to match Retry-After, got ${refused!.text}`).toBe(Number(retryAfter));

  // Requests the flood left behind may still hold the pool for a moment.
  let after = await post(target, BODY);
  for (const end = Date.now() + 3_000; after.status === 503 && Date.now() < end; ) {
    await new Promise((res) => setTimeout(res, 100));
    after = await post(target, BODY);
  }
  expect(after.status, `Expected 200 again once the flood is over ${where}: a refusal must not stick; got ${after.status}`).toBe(200);
});
