import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type HttpAnswer } from '../../src/harness/in-process.ts';
import { metricsPayload } from '../../src/harness/payloads.ts';
import { startService, type RunningService } from '../../src/harness/service.ts';

// Check `same-results`: moving parse + validate into workers changes where the work runs, not what
// it does. The same requests to a level-0 and a level-1 service give the same answers, the same
// lines on disk and the same /health counters — also when the requests arrive concurrently.

interface Req {
  label: string;
  body: string;
  client: string;
}

const SEQUENCE: Req[] = [
  { label: 'a 1-metric batch', body: metricsPayload(1, 11), client: 'alpha' },
  { label: 'a 20-metric batch', body: metricsPayload(20, 12), client: 'beta' },
  { label: 'an unparsable body', body: '{"metrics":[{"name":"cpu_usage",,]}', client: 'alpha' },
  { label: 'a string value', body: '{"metrics":[{"name":"a","value":1},{"name":"b","value":2},{"name":"c","value":"3"}]}', client: 'gamma' },
  { label: 'an empty metrics array', body: '{"metrics":[]}', client: 'gamma' },
  { label: 'a 5-metric batch with an escaped tag', body: metricsPayload(5, 13).replace('"region"', '"re\\u0067ion"'), client: 'beta' },
];
const BURST = Array.from({ length: 8 }, (_, i): Req => ({ label: `burst #${i}`, body: metricsPayload(3 + (i % 4), 100 + i), client: `c${i % 3}` }));

let level0: RunningService;
let level1: RunningService;
beforeAll(async () => {
  [level0, level1] = await Promise.all([startService({ level: 0 }), startService({ level: 1 })]);
}, 40_000);
afterAll(async () => {
  await Promise.all([level0?.stop(), level1?.stop()]);
});

const post = (svc: RunningService, r: Req): Promise<HttpAnswer> =>
  call(`${svc.url}/metrics`, { method: 'POST', body: r.body, headers: { 'x-client-id': r.client } });

async function inOrder(svc: RunningService, reqs: Req[]): Promise<HttpAnswer[]> {
  const out: HttpAnswer[] = [];
  for (const r of reqs) out.push(await post(svc, r));
  return out;
}

async function concurrently(svc: RunningService, reqs: Req[], connections: number): Promise<HttpAnswer[]> {
  const out: HttpAnswer[] = new Array<HttpAnswer>(reqs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < reqs.length) {
        const i = next++;
        out[i] = await post(svc, reqs[i]!);
      }
    }),
  );
  return out;
}

const lines = (svc: RunningService): string[] => readFileSync(svc.dataFile, 'utf8').split('\n').filter(Boolean);
const counters = async (svc: RunningService): Promise<unknown> => ((await call(`${svc.url}/health`)).json as { counters?: unknown })?.counters;

function expectSameAnswers(reqs: Req[], base: HttpAnswer[], mine: HttpAnswer[]): void {
  reqs.forEach((r, i) => {
    const a = base[i]!;
    const b = mine[i]!;
    if ((b.json as { error?: string })?.error === 'not_implemented') expect.fail(`not implemented yet: ${b.text}`);
    if (a.status !== b.status || JSON.stringify(a.json) !== JSON.stringify(b.json)) {
      expect.fail(`Expected the same answer as level 0 for ${r.label}: level 0 said ${a.status} ${a.text}, level 1 said ${b.status} ${b.text}`);
    }
  });
}

describe('level 1 gives the results of level 0', () => {
  it('same answers and the same lines on disk, request by request', { timeout: 60_000 }, async () => {
    const [base, mine] = await Promise.all([inOrder(level0, SEQUENCE), inOrder(level1, SEQUENCE)]);
    expectSameAnswers(SEQUENCE, base, mine);
    const want = lines(level0);
    const got = lines(level1);
    expect(want.length, 'the level-0 reference wrote nothing: the baseline itself is broken').toBeGreaterThan(0);
    expect(got, `Expected level 1 to write the same ${want.length} lines as level 0, in the same order`).toEqual(want);
  });

  it('same lines (as a set) and the same /health counters after a concurrent burst', { timeout: 60_000 }, async () => {
    const [base, mine] = await Promise.all([concurrently(level0, BURST, 4), concurrently(level1, BURST, 4)]);
    expectSameAnswers(BURST, base, mine);
    const want = lines(level0).sort();
    const got = lines(level1).sort();
    expect(got, `Expected level 1 to hold the same ${want.length} lines as level 0 after ${BURST.length} concurrent requests`).toEqual(want);
    const [c0, c1] = await Promise.all([counters(level0), counters(level1)]);
    expect(c1, `Expected /health counters equal to level 0's ${JSON.stringify(c0)} after the same requests, got ${JSON.stringify(c1)}`).toEqual(c0);
  });
});
