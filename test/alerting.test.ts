import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as ClockModule from '../starter/src/lib/clock.ts';
import type * as RulesModule from '../starter/src/alerts/service-rules.ts';
import type { AlertNotification } from '../starter/src/alerts/webhook-notifier.ts';
import type { ManagedAlertView } from '../starter/src/alerts/alert-manager.ts';
import { fromTree, getJson, post, startService, type RunningService } from './support/service.ts';

const T0 = Date.UTC(2030, 0, 1);

/** A webhook on 127.0.0.1 that fails the first `failFirst` deliveries of each notification id. */
async function webhookServer(failFirst: number) {
  const received: Array<{ id: string; body: AlertNotification; status: number }> = [];
  const attempts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c));
    req.on('end', () => {
      const id = String(req.headers['idempotency-key']);
      const n = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, n);
      const status = n <= failFirst ? 503 : 200;
      received.push({ id, body: JSON.parse(raw) as AlertNotification, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('alerting on the finished service', () => {
  let svc: RunningService;
  let hook: Awaited<ReturnType<typeof webhookServer>>;
  let clock: ClockModule.ManualClock;

  beforeAll(async () => {
    hook = await webhookServer(2);
    const { ManualClock } = await fromTree<typeof ClockModule>('lib/clock.ts');
    clock = new ManualClock(T0);
    svc = await startService({
      clock,
      args: ['--alert-interval-ms', '3600000'], // evaluations only when the test asks
      rules: {
        webhook: { url: hook.url, maxAttempts: 4, retryBaseMs: 20, timeoutMs: 2000 },
        rules: [
          { name: 'cpu_hot', query: 'name=cpu&match=host=~web-.*&agg=p99', window: '1m', comparator: '>', threshold: 90, for: '30s', severity: 'critical' },
          { name: 'legacy', metric: 'cpu', tags: { host: 'db-1' }, agg: 'avg', windowMs: 60_000, comparator: '>=', threshold: 50, forMs: 0 },
        ],
      },
    });
  });
  afterAll(async () => {
    await svc?.close();
    await hook?.close();
  });

  const alerts = async () => (await getJson<{ alerts: ManagedAlertView[]; firing: number }>(`${svc.url}/alerts`)).body;
  const cpuHot = async () => (await alerts()).alerts.find((a) => a.rule === 'cpu_hot')!;
  const tick = async (ms: number, value: number) => {
    clock.advance(ms);
    await post(svc.url, [{ name: 'cpu', value, timestamp: clock.now(), tags: { host: 'web-1' } }]);
    svc.service.alerts.evaluate();
  };

  it('goes pending, then firing after the for-duration, with timestamps, and notifies once despite retries', async () => {
    await tick(0, 20);
    expect((await cpuHot()).status).toBe('inactive');
    await tick(10_000, 95);
    expect(await cpuHot()).toMatchObject({ status: 'pending', pendingSince: T0 + 10_000, severity: 'critical' });
    await tick(10_000, 96);
    expect((await cpuHot()).status).toBe('pending');
    await tick(20_000, 97); // 30 s after pendingSince: detection well under a minute
    const firing = await cpuHot();
    expect(firing).toMatchObject({ status: 'firing', pendingSince: T0 + 10_000, firedAt: T0 + 40_000, value: 97 });
    for (let i = 0; i < 3; i++) await tick(5_000, 98); // still firing: no new notification
    await svc.service.notifier!.settled();
    const deliveries = hook.received.filter((r) => r.body.rule === 'cpu_hot');
    expect(deliveries.map((d) => d.status), 'two failures, then one success, for the single firing change').toEqual([503, 503, 200]);
    expect(new Set(deliveries.map((d) => d.id)).size, 'every retry carries the same id').toBe(1);
    expect(deliveries[2]!.body).toMatchObject({ status: 'firing', severity: 'critical', firedAt: T0 + 40_000, threshold: 90, comparator: '>' });
    expect((await alerts()).firing).toBe(1);
  });

  it('resolves when the condition clears and sends exactly one resolved notification', async () => {
    await tick(61_000, 10); // the window now holds only the new low value
    const resolved = await cpuHot();
    expect(resolved).toMatchObject({ status: 'resolved', firedAt: T0 + 40_000, resolvedAt: clock.now() });
    expect(resolved.history.map((h) => h.to)).toEqual(['pending', 'firing', 'resolved']);
    svc.service.alerts.evaluate();
    await svc.service.notifier!.settled();
    const statuses = hook.received.filter((r) => r.body.rule === 'cpu_hot' && r.status === 200).map((r) => r.body.status);
    expect(statuses).toEqual(['firing', 'resolved']);
  });

  it('reads phase 0 rules too (metric, tags, agg, windowMs, forMs)', async () => {
    clock.advance(1000);
    await post(svc.url, [{ name: 'cpu', value: 70, timestamp: clock.now(), tags: { host: 'db-1' } }]);
    svc.service.alerts.evaluate();
    expect((await alerts()).alerts.find((a) => a.rule === 'legacy')).toMatchObject({ status: 'firing', severity: 'warning', value: 70 });
  });

  it('rejects a bad rules file with a message naming the field', async () => {
    const { parseServiceRules } = await fromTree<typeof RulesModule>('alerts/service-rules.ts');
    expect(() => parseServiceRules({ rules: [{ name: 'x', query: 'agg=avg', window: '1m', comparator: '>', threshold: 1 }] })).toThrow(/query.*name/);
    expect(() => parseServiceRules({ rules: [{ name: 'x', query: 'name=a', window: 'soon', comparator: '>', threshold: 1 }] })).toThrow(/window must be a duration/);
    expect(() => parseServiceRules({ rules: [{ name: 'x', query: 'name=a', window: '1m', comparator: '>', threshold: 1, severity: 'urgent' }] })).toThrow(/severity/);
    expect(() => parseServiceRules({ webhook: { url: 'ftp://x' }, rules: [] })).toThrow(/webhook.url/);
  });
});

describe('webhook retries give up', () => {
  it('stops after maxAttempts and says so in the log', async () => {
    const hook = await webhookServer(100);
    const { ManualClock } = await fromTree<typeof ClockModule>('lib/clock.ts');
    const clock = new ManualClock(T0);
    const svc = await startService({
      clock,
      args: ['--alert-interval-ms', '3600000'],
      rules: { webhook: { url: hook.url, maxAttempts: 3, retryBaseMs: 10 }, rules: [{ name: 'any', query: 'name=up&agg=max', window: '1m', comparator: '>', threshold: 0 }] },
    });
    try {
      await post(svc.url, [{ name: 'up', value: 1, timestamp: T0 }]);
      svc.service.alerts.evaluate();
      await svc.service.notifier!.settled();
      expect(hook.received.length).toBe(3);
      expect(svc.logs.some((l) => /webhook gave up on firing notification any:.*HTTP 503/.test(l)), svc.logs.join('\n')).toBe(true);
    } finally {
      await svc.close();
      await hook.close();
    }
  });
});
