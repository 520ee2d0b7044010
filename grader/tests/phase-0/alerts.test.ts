import { afterAll, describe, expect, it } from 'vitest';
import { call, postMetrics, startInProcess, type InProcessService } from '../../src/harness/in-process.ts';
import { alertEngineModule, clockModule, T0, type AlertRule, type AlertState } from './support.ts';

const RULE: AlertRule = { name: 'cpu_hot', metric: 'cpu_usage', agg: 'avg', windowMs: 60_000, comparator: '>', threshold: 90, forMs: 30_000 };
const HOT = 95;
const COOL = 50;

/** Feed a sequence of [time offset, value] evaluations through nextAlertState, returning every state. */
async function run(steps: Array<[number, number | undefined]>, rule: AlertRule = RULE): Promise<AlertState[]> {
  const { nextAlertState } = await alertEngineModule();
  const states: AlertState[] = [];
  let state: AlertState = { status: 'inactive' };
  for (const [dt, value] of steps) {
    const before = JSON.stringify(state);
    const next = nextAlertState(state, value, rule, T0 + dt);
    expect(JSON.stringify(state), 'Expected nextAlertState to return a new state and leave `prev` unchanged').toBe(before);
    states.push((state = next));
  }
  return states;
}
const statuses = (s: AlertState[]) => s.map((x) => x.status).join(' -> ');

describe('compare', () => {
  it.each([
    [91, '>', 90, true],
    [90, '>', 90, false],
    [90, '>=', 90, true],
    [89.9, '>=', 90, false],
    [5, '<', 6, true],
    [6, '<', 6, false],
    [6, '<=', 6, true],
    [7, '<=', 6, false],
    [3, '==', 3, true],
    [3.5, '==', 3, false],
  ] as const)('%d %s %d is %s', async (value, comparator, threshold, want) => {
    const { compare } = await alertEngineModule();
    expect(compare(value, comparator, threshold), `Expected ${value} ${comparator} ${threshold} to be ${want}`).toBe(want);
  });
});

describe('nextAlertState', () => {
  it('stays pending until the condition has held for forMs, then fires', async () => {
    const s = await run([
      [0, HOT],
      [10_000, HOT],
      [29_999, HOT],
      [30_000, HOT],
      [45_000, HOT],
    ]);
    expect(statuses(s), 'Expected pending at 0 s, 10 s and 29.999 s, firing from 30 s (forMs = 30 s): an alert must not fire before its for-duration').toBe(
      'pending -> pending -> pending -> firing -> firing',
    );
    expect(s[3], 'Expected the firing state to keep pendingSince = T0 and set firedAt = T0+30s and the value').toMatchObject({
      status: 'firing',
      pendingSince: T0,
      firedAt: T0 + 30_000,
      value: HOT,
    });
    expect(s[4]?.firedAt, 'Expected firedAt to stay at the first firing evaluation').toBe(T0 + 30_000);
  });

  it('resolves when the condition stops holding, and starts a new episode when it returns', async () => {
    const s = await run([
      [0, HOT],
      [30_000, HOT],
      [40_000, COOL],
      [50_000, COOL],
      [60_000, HOT],
    ]);
    expect(statuses(s), 'Expected pending -> firing -> resolved -> resolved -> pending').toBe('pending -> firing -> resolved -> resolved -> pending');
    expect(s[2], 'Expected resolved to record resolvedAt and keep firedAt').toMatchObject({ status: 'resolved', firedAt: T0 + 30_000, resolvedAt: T0 + 40_000, value: COOL });
    expect(s[4]?.pendingSince, 'Expected the new episode to start pending at its own time').toBe(T0 + 60_000);
  });

  it('goes back to inactive when the condition drops while pending (never fired)', async () => {
    const s = await run([
      [0, HOT],
      [20_000, COOL],
      [40_000, HOT],
      [60_000, HOT],
    ]);
    expect(statuses(s), 'Expected pending -> inactive -> pending -> pending: the 20 s blip resets the for-duration').toBe('pending -> inactive -> pending -> pending');
  });

  it('treats an empty window (no data) as the condition not holding', async () => {
    const s = await run([
      [0, HOT],
      [30_000, HOT],
      [40_000, undefined],
    ]);
    expect(statuses(s), 'Expected a firing alert to resolve when its window holds no data').toBe('pending -> firing -> resolved');
  });

  it('fires at the first breach when forMs is 0', async () => {
    const s = await run([[0, HOT]], { ...RULE, forMs: 0 });
    expect(s[0], 'Expected forMs = 0 to fire immediately').toMatchObject({ status: 'firing', pendingSince: T0, firedAt: T0 });
  });
});

describe('alerting in the service (ManualClock)', () => {
  let svc: InProcessService | undefined;
  afterAll(() => svc?.close());

  it('fires after the for-duration and resolves, visible on GET /alerts', async () => {
    const { ManualClock } = await clockModule();
    const clock = new ManualClock(T0);
    svc = await startInProcess({ level: 0, clock, rules: [{ ...RULE, tags: { host: 'a' }, windowMs: 10_000 }], args: ['--alert-interval-ms', '3600000'] });
    const alertsNow = async () => ((await call(`${svc!.url}/alerts`)).json as { alerts: Array<AlertState & { rule: string }> }).alerts;
    const tick = async (dt: number, value?: number) => {
      clock.advance(dt);
      if (value !== undefined) await postMetrics(svc!.url, [{ name: 'cpu_usage', value, tags: { host: 'a' } }, { name: 'cpu_usage', value: 0, tags: { host: 'b' } }]);
      svc!.service.alerts.evaluate();
      return (await alertsNow())[0];
    };
    expect((await tick(0, HOT))?.status, 'Expected pending at the first hot sample (host b is not in the rule)').toBe('pending');
    expect((await tick(20_000, HOT))?.status, 'Expected still pending after 20 s of a 30 s for-duration').toBe('pending');
    const firing = await tick(10_000, HOT);
    expect(firing, 'Expected firing after 30 s, with firedAt from the service Clock').toMatchObject({ rule: 'cpu_hot', status: 'firing', firedAt: T0 + 30_000 });
    const resolved = await tick(20_000); // no sample for 20 s: the 10 s window is empty
    expect(resolved, 'Expected resolved once the window held no hot samples').toMatchObject({ status: 'resolved', resolvedAt: T0 + 50_000 });
    expect(svc.logs.join('\n'), 'Expected the service to log the transitions (our notifications)').toMatch(/cpu_hot.*firing/);
  });
});
