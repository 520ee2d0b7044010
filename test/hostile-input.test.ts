import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { measureUntilMet } from '../grader/src/harness/remeasure.ts';
import { startListening, type RunningService as ChildService } from '../grader/src/harness/service.ts';
import { abortMidBody, postHead, rawExchange } from './support/raw-http.ts';
import { startService, type RunningService } from './support/service.ts';

// What a careless or hostile client sends, and what every level answers: the same input gets the
// same answer from the proof of concept to the finished service, and nothing of it costs the service.
const LEVELS = [0, 3, 6, 7];
const good = { name: 'cpu_usage', value: 1, tags: { host: 'a' } };

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/metrics`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function get(url: string, pathAndQuery: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}${pathAndQuery}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe.each(LEVELS)('level %i under hostile input', (level) => {
  let svc: RunningService;
  beforeAll(async () => {
    svc = await startService({ args: ['--level', String(level)] });
  });
  afterAll(() => svc?.close());

  it('refuses a client id longer than 64 bytes with a 400 that says so, and takes one of exactly 64', async () => {
    const long = await post(svc.url, { metrics: [good] }, { 'x-client-id': 'é'.repeat(33) }); // 66 bytes in UTF-8
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({ error: 'bad_client_id', header: 'X-Client-Id', reason: expect.stringContaining('66 bytes') });
    const bearer = await post(svc.url, { metrics: [good] }, { authorization: `Bearer ${'x'.repeat(65)}` });
    expect(bearer.status).toBe(400);
    expect((await post(svc.url, { metrics: [good] }, { 'x-client-id': 'x'.repeat(64) })).status).toBe(200);
  });

  it.each([
    ['numbers in the middle of a value', '{"metrics":[{"name":"cpu","value":1_000}]}'],
    ['a hexadecimal number', '{"metrics":[{"name":"cpu","value":0x10}]}'],
    ['a literal with more letters', '{"metrics":[{"name":"cpu","value":1,"up":truex}]}'],
    ['two values without a comma', '{"metrics":[{"name":"cpu","value":1} {"name":"cpu","value":2}]}'],
    ['a leading byte order mark', '\ufeff{"metrics":[{"name":"cpu","value":1}]}'],
    ['a truncated body', '{"metrics":[{"name":"cpu","val'],
  ])('answers %s with a 400 parse error', async (_label, body) => {
    const res = await fetch(`${svc.url}/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'parse_error', position: expect.any(Number) });
  });

  it('refuses nesting deeper than 64 levels at the same byte at every level: the bracket one level too deep', async () => {
    const body = `{"metrics":[{"name":"a","value":1,"tags":${'['.repeat(100)}${']'.repeat(100)}}]}`;
    const res = await fetch(`${svc.url}/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'parse_error', position: 102, reason: 'nesting deeper than 64 levels' });
  });

  it('refuses a body that is not UTF-8 with a 400 naming the first bad byte, and takes multi-byte text', async () => {
    const head = Buffer.from('{"metrics":[{"name":"a","value":1,"tags":{"h":"é');
    const bad = Buffer.concat([head, Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}}]}')]); // an encoded surrogate
    const res = await fetch(`${svc.url}/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bad });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'parse_error', position: head.length, reason: 'invalid UTF-8' });
    expect((await post(svc.url, { metrics: [{ ...good, tags: { h: 'é😀' } }] })).status).toBe(200);
  });

  it.each([
    ['a number too large for a double', '{"metrics":[{"name":"a","value":1e400}]}', 'metrics[0].value'],
    ['a control character in a name', '{"metrics":[{"name":"a\\u0001","value":1}]}', 'metrics[0].name'],
  ])('refuses %s with a 400 naming the field', async (_label, body, field) => {
    const res = await fetch(`${svc.url}/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'validation_error', field });
  });

  it.each([
    ['February 30th', '2025-02-30T00:00:00Z'],
    ['February 29th of 2025', '2025-02-29T00:00:00Z'],
    ['the hour 24', '2025-01-01T24:00:00Z'],
  ])('refuses %s instead of storing the day Date.parse rolls it over to', async (_label, timestamp) => {
    const res = await post(svc.url, { metrics: [{ ...good, timestamp }] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'validation_error', field: 'metrics[0].timestamp' });
  });

  it.each([
    ['start=-1', 'start'],
    ['end=100000000000000000000', 'end'],
    ['start=2025-02-30', 'start'],
    ['start=2025-02-30T00:00:00Z', 'start'],
    ['start=yesterday', 'start'],
  ])('answers /query?%s with a 400 naming the parameter', async (query, param) => {
    const res = await get(svc.url, `/query?name=cpu_usage&${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'bad_parameter', param });
  });

  it('reads a plain date as midnight UTC', async () => {
    expect((await get(svc.url, '/query?name=cpu_usage&start=2025-09-17&end=2025-09-18')).status).toBe(200);
  });

  const counters = async () => (await get(svc.url, '/health')).body.counters as Record<string, number>;

  it('answers a Content-Length that lies, or comes with Transfer-Encoding, with a 400 and a closed connection, storing only what was declared', async () => {
    const before = await counters();
    const body = JSON.stringify({ metrics: [good] });
    // Longer than the body, and the client stops sending: the body never completes.
    expect(await rawExchange(svc.url, [postHead('Content-Length: 100\r\n'), body], { end: true })).toMatchObject({ statuses: [400], closedByServer: true });
    // Shorter: the declared bytes are one request, the rest is not a request: a 400 that closes the
    // connection, which may come before the first request's answer (Node answers parse errors at once).
    const shorter = await rawExchange(svc.url, [postHead(`Content-Length: ${body.length}\r\n`), `${body}GARBAGE / HTTP/1.1\r\n\r\n`]);
    expect(shorter.statuses.at(-1)).toBe(400);
    expect(shorter.closedByServer).toBe(true);
    // Both lengths (request smuggling) and a length that is not a number.
    expect(await rawExchange(svc.url, [postHead('Content-Length: 5\r\nTransfer-Encoding: chunked\r\n'), '0\r\n\r\n'])).toMatchObject({ statuses: [400], closedByServer: true });
    expect(await rawExchange(svc.url, [postHead('Content-Length: abc\r\n'), body])).toMatchObject({ statuses: [400], closedByServer: true });
    await new Promise((resolve) => setTimeout(resolve, 200)); // the declared request may still be on its way to storage
    const after = await counters();
    expect(after.accepted - before.accepted, 'metrics stored: the declared one at most').toBeLessThanOrEqual(1);
    expect(after.errors - before.errors, 'server errors').toBe(0);
  });

  it('refuses a body that never ends with a 413 once it passes the limit, and stops reading it', async () => {
    const endless = await rawExchange(svc.url, [postHead('Transfer-Encoding: chunked\r\n')], { endless: true });
    expect(endless.statuses).toEqual([413]);
    expect(endless.text).toContain('"error":"payload_too_large"');
    expect(endless.closedByServer, 'the server closes the connection instead of reading forever').toBe(true);
    // A declared length over the limit is refused before a byte of the body is read.
    const declared = await rawExchange(svc.url, [postHead('Content-Length: 100000000\r\n'), '{"metrics":[']);
    expect(declared).toMatchObject({ statuses: [413], closedByServer: true });
  });

  it('answers 300 clients at once, each with a 200 or a 503 with Retry-After, none with an error, and counts what it stored', async () => {
    const before = await counters();
    const batch = { metrics: Array.from({ length: 10 }, (_, i) => ({ ...good, value: i })) };
    const answers = await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const res = await fetch(`${svc.url}/metrics`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-client-id': `c${i}` }, body: JSON.stringify(batch) });
        const json = (await res.json()) as { accepted?: number };
        return { status: res.status, retryAfter: res.headers.get('retry-after'), accepted: json.accepted ?? 0 };
      }),
    );
    for (const a of answers) {
      expect([200, 503]).toContain(a.status);
      if (a.status === 503) expect(Number(a.retryAfter)).toBeGreaterThan(0);
    }
    const after = await counters();
    expect(after.accepted - before.accepted).toBe(answers.reduce((sum, a) => sum + a.accepted, 0));
    expect(after.errors - before.errors).toBe(0);
  });

  it('does not count clients that hang up mid-body as server errors', async () => {
    const before = (await get(svc.url, '/health')).body.counters as Record<string, number>;
    await Promise.all(Array.from({ length: 20 }, () => abortMidBody(svc.url)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = (await get(svc.url, '/health')).body.counters as Record<string, number>;
    expect(after.errors - before.errors).toBe(0);
  });
});

describe('the finished service under a catastrophic regex', () => {
  // In its own process: a blocked event loop must not block the test that detects it.
  let svc: ChildService;
  beforeAll(async () => {
    const tree = inject('referenceTree');
    svc = await startListening({ nodeArgs: ['--import', 'tsx'], script: path.join(tree, 'starter/src/main.ts'), scriptArgs: ['--host', '127.0.0.1'], cwd: tree });
  });
  afterAll(() => svc?.stop());

  /** A GET that gives up after 5 s: with a backtracking engine the answer would take hours. */
  const within = async (pathAndQuery: string) => {
    const res = await fetch(`${svc.url}${pathAndQuery}`, { signal: AbortSignal.timeout(5_000) }).catch((err: Error) => {
      throw new Error(`GET ${pathAndQuery} got no answer in 5 s (${err.name}): the event loop is blocked`);
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  // (a+)+ against 40 a's and a b takes about 2^40 steps to a backtracking engine.
  it('answers a query with a nested-quantifier matcher, and /health meanwhile', { timeout: 15_000 }, async () => {
    expect((await post(svc.url, { metrics: [{ ...good, tags: { host: `${'a'.repeat(40)}b` } }] })).status).toBe(200);
    const [query, health] = await Promise.all([within(`/query?name=cpu_usage&match=${encodeURIComponent('host=~(a+)+')}`), within('/health')]);
    expect(query.status).toBe(200);
    expect(health.status).toBe(200);
    expect((await within(`/query?name=cpu_usage&match=${encodeURIComponent('host=~(a+)+b')}`)).body).toMatchObject({ series: [expect.anything()] });
  });

  it('refuses what RE2 syntax does not have (backreferences) with a 400 naming match', async () => {
    const res = await within(`/query?name=cpu_usage&match=${encodeURIComponent('host=~(a)\\1')}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'bad_parameter', param: 'match' });
  });
});

describe.each(LEVELS)('level %i under a barrage of hostile input', (level) => {
  // In its own process, so that /health is measured from outside and its memory is its own.
  let svc: ChildService;
  beforeAll(async () => {
    const tree = inject('referenceTree');
    svc = await startListening({ nodeArgs: ['--import', 'tsx'], script: path.join(tree, 'starter/src/main.ts'), scriptArgs: ['--host', '127.0.0.1', '--level', String(level)], cwd: tree });
  });
  afterAll(() => svc?.stop());

  const rssMb = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${svc.child.pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
  const send = (body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${svc.url}/metrics`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then((r) => r.arrayBuffer()).catch(() => undefined);
  const deep = `{"metrics":[{"name":"a","value":1,"tags":${'['.repeat(5_000)}${']'.repeat(5_000)}}]}`;
  const notUtf8 = Buffer.concat([Buffer.from('{"metrics":[{"name":"'), Buffer.alloc(100_000, 0xff), Buffer.from('","value":1}]}')]);
  let endlessBytes = 0;
  const hostile: Array<() => Promise<unknown>> = [
    () => rawExchange(svc.url, [postHead('Transfer-Encoding: chunked\r\n')], { endless: true }).then((r) => (endlessBytes += r.sent)),
    () => send(deep),
    () => send(notUtf8),
    () => send('{"metrics":[{"name":"cpu","val'),
    () => send(JSON.stringify({ metrics: [good] }), { 'x-client-id': 'x'.repeat(70_000) }),
    () => send(`{"metrics":[{"name":"a","value":1${'0'.repeat(400_000)}}]}`),
    () => abortMidBody(svc.url),
    () => fetch(`${svc.url}/query?name=cpu_usage&start=-1&match=${encodeURIComponent('host=~(a+)+')}`).then((r) => r.arrayBuffer()),
  ];

  it('answers /health within 100 ms throughout, and its memory stays bounded', { timeout: 90_000 }, async () => {
    for (const h of hostile) await h(); // warm up: every path once, before memory is read
    const rssBefore = rssMb();
    const { met, results } = await measureUntilMet(
      async () => {
        const healthMs: number[] = [];
        const until = performance.now() + 2_000;
        const sampler = setInterval(() => {
          const t0 = performance.now();
          void fetch(`${svc.url}/health`).then(async (r) => {
            await r.arrayBuffer();
            healthMs.push(performance.now() - t0);
          });
        }, 20);
        await Promise.all(
          Array.from({ length: 4 }, async (_, lane) => {
            for (let i = lane; performance.now() < until; i++) await hostile[i % hostile.length]!();
          }),
        );
        clearInterval(sampler);
        await new Promise((r) => setTimeout(r, 150));
        return { worstMs: Math.max(...healthMs), samples: healthMs.length };
      },
      (r) => r.worstMs <= 100,
    );
    const growthMb = rssMb() - rssBefore;
    console.log(
      `level ${level} under the barrage: slowest /health ${results.map((r) => `${r.worstMs.toFixed(0)} ms of ${r.samples} samples`).join(', then ')}; ` +
        `${(endlessBytes / 2 ** 20).toFixed(0)} MB of endless bodies refused; RSS ${rssBefore.toFixed(0)} MB, +${growthMb.toFixed(0)} MB`,
    );
    expect(met, `slowest /health in each run: ${results.map((r) => `${r.worstMs.toFixed(0)} ms of ${r.samples}`).join(', ')}`).toBe(true);
    // Tens to hundreds of megabytes of endless bodies were refused: a service that kept any of them (an endless
    // body buffered past its limit, a refused batch held by a queue) would grow by far more.
    expect(growthMb, `RSS grew from ${rssBefore.toFixed(0)} MB by ${growthMb.toFixed(0)} MB`).toBeLessThan(128);
  });
});
