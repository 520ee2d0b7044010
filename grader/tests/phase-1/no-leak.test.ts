import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../src/harness/in-process.ts';
import { metricsPayload } from '../../src/harness/payloads.ts';
import { startService, type RunningService } from '../../src/harness/service.ts';
import { canCountThreads, settleThreads, threadCount } from '../../src/harness/threads.ts';

// Check `no-leak`: after a burst of concurrent requests (accepted, unparsable, invalid) the level-1
// service has exactly as many OS threads as before it: every per-request worker was terminated.
// Counted from /proc, so it holds whatever the code under test reports about itself.

const KINDS = [
  { label: 'a valid batch', body: (i: number) => metricsPayload(5, i), status: 200 },
  { label: 'an unparsable body', body: () => '{"metrics":[{"name":"cpu_usage","value":', status: 400 },
  { label: 'an invalid metric', body: () => '{"metrics":[{"name":"cpu_usage","value":"high"}]}', status: 400 },
] as const;
const REQUESTS = 9;
const CONCURRENCY = 4;

let svc: RunningService;
beforeAll(async () => {
  svc = await startService({ level: 1 });
}, 30_000);
afterAll(async () => {
  await svc?.stop();
});

describe('no worker left alive', () => {
  it.skipIf(!canCountThreads())(`${REQUESTS} concurrent requests leave no extra thread behind`, { timeout: 60_000 }, async () => {
    const pid = svc.child.pid!;
    await call(`${svc.url}/health`);
    const before = threadCount(pid);

    let next = 0;
    const wrong: string[] = [];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < REQUESTS) {
          const i = next++;
          const kind = KINDS[i % KINDS.length]!;
          const res = await call(`${svc.url}/metrics`, { method: 'POST', body: kind.body(i) });
          if (res.status !== kind.status) wrong.push(`${kind.label} -> ${res.status} ${res.text.slice(0, 200)}`);
        }
      }),
    );
    if (wrong.length > 0) {
      if (wrong.some((w) => w.includes('not_implemented'))) expect.fail(`not implemented yet: ${wrong[0]}`);
      expect.fail(`Expected 200 for valid batches and 400 for bad ones, got: ${wrong.slice(0, 3).join('; ')}`);
    }

    const after = await settleThreads(pid, before, 5_000);
    if (after > before) {
      expect.fail(
        `Expected the service to be back to ${before} threads after the load, but it has ${after}: ` +
          `${after - before} leaked thread(s) — workers that answered (or failed) were never terminated. ` +
          `An ingest worker keeps listening after it answers, so terminate it on every path.`,
      );
    }
  });
});
