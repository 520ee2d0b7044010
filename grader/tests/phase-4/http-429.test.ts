import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsPayload } from '../../src/harness/payloads.ts';
import { startService, type RunningService } from '../../src/harness/service.ts';

const LIMIT = 3;
const WINDOW_MS = 60_000;
let svc: RunningService;

beforeAll(async () => {
  svc = await startService({ level: 4, env: { METRICSTREAM_RATE_LIMIT: String(LIMIT), METRICSTREAM_RATE_WINDOW_MS: String(WINDOW_MS) } });
});
afterAll(async () => {
  await svc?.stop();
});

const post = (client: string) =>
  fetch(`${svc.url}/metrics`, { method: 'POST', body: metricsPayload(2), headers: { 'content-type': 'application/json', 'x-client-id': client } });

describe('HTTP 429: the service refuses a client over its limit, politely', () => {
  it(`at level 4, request ${LIMIT + 1} of a client within ${WINDOW_MS} ms gets 429 with Retry-After and a JSON body; others are unaffected`, async () => {
    for (let i = 1; i <= LIMIT; i++) {
      const res = await post('alice');
      expect(res.status, `request ${i} of client "alice" (limit ${LIMIT} per ${WINDOW_MS} ms) should be accepted, got ${res.status}: ${await res.text()}\n${svc.output()}`).toBe(200);
    }
    const res = await post('alice');
    const text = await res.text();
    expect(res.status, `request ${LIMIT + 1} of client "alice" should get 429 Too Many Requests, got ${res.status}: ${text}`).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(
      Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= WINDOW_MS / 1000,
      `Retry-After should be whole seconds in 1..${WINDOW_MS / 1000} (when the oldest request leaves the window), got "${res.headers.get('retry-after')}"`,
    ).toBe(true);
    expect(retryAfter, 'Retry-After should say the window frees up in about a minute, not right away').toBeGreaterThan(WINDOW_MS / 1000 - 10);
    let body: unknown;
    expect(() => (body = JSON.parse(text)), `the 429 body should be JSON, got: ${text}`).not.toThrow();
    expect(body, 'the 429 body should name the error and the wait').toMatchObject({ error: 'rate_limited', retryAfterSec: retryAfter });

    const other = await post('bob');
    expect(other.status, `client "bob" has sent nothing yet and should be accepted, got ${other.status}: ${await other.text()}`).toBe(200);
  });
});
