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

describe('nextAlertState, every transition', () => {
  it('records the evaluated value in pending and inactive states too', async () => {
    const s = await run([
      [0, HOT],
      [10_000, COOL],
      [20_000, COOL],
    ]);
    expect(s[0], `Expected the pending state to carry the value it was evaluated with, got ${JSON.stringify(s[0])}`).toMatchObject({ status: 'pending', pendingSince: T0, value: HOT });
    expect(s[1], `Expected the inactive state to carry the value it was evaluated with, got ${JSON.stringify(s[1])}`).toMatchObject({ status: 'inactive', value: COOL });
    expect(s[2], `Expected inactive to stay inactive while the condition is false, got ${JSON.stringify(s[2])}`).toMatchObject({ status: 'inactive', value: COOL });
  });

  it('keeps pendingSince, firedAt and the first resolvedAt while resolved', async () => {
    const s = await run([
      [0, HOT],
      [30_000, HOT],
      [40_000, COOL],
      [50_000, COOL],
    ]);
    expect(s[2], `Expected resolved to keep pendingSince and firedAt of the episode and set resolvedAt = now, got ${JSON.stringify(s[2])}`).toMatchObject({
      status: 'resolved',
      pendingSince: T0,
      firedAt: T0 + 30_000,
      resolvedAt: T0 + 40_000,
    });
    expect(s[3], `Expected a resolved alert to stay as it is while the condition is false (resolvedAt stays T0+40s), got ${JSON.stringify(s[3])}`).toMatchObject({
      status: 'resolved',
      pendingSince: T0,
      firedAt: T0 + 30_000,
      resolvedAt: T0 + 40_000,
    });
  });

  it('times a new episode from its own start: forMs again after resolved -> pending', async () => {
    const s = await run([
      [0, HOT],
      [30_000, HOT],
      [40_000, COOL],
      [60_000, HOT],
      [89_999, HOT],
      [90_000, HOT],
    ]);
    expect(statuses(s), `Expected pending -> firing -> resolved -> pending -> pending -> firing: the new episode must wait its own 30 s, got ${statuses(s)}`).toBe(
      'pending -> firing -> resolved -> pending -> pending -> firing',
    );
    expect(s[3]?.firedAt, `Expected the new episode's pending state to carry no firedAt (it has not fired yet), got ${JSON.stringify(s[3])}`).toBeUndefined();
    expect(s[3]?.resolvedAt, `Expected the new episode's pending state to carry no resolvedAt, got ${JSON.stringify(s[3])}`).toBeUndefined();
    expect(s[5], `Expected the new episode to fire at T0+90s with pendingSince T0+60s, got ${JSON.stringify(s[5])}`).toMatchObject({ status: 'firing', pendingSince: T0 + 60_000, firedAt: T0 + 90_000 });
    expect(s[5]?.resolvedAt, `Expected a firing state to carry no resolvedAt of the previous episode, got ${JSON.stringify(s[5])}`).toBeUndefined();
  });

  it('goes straight from resolved to firing when forMs is 0', async () => {
    const s = await run(
      [
        [0, HOT],
        [10_000, COOL],
        [20_000, HOT],
      ],
      { ...RULE, forMs: 0 },
    );
    expect(statuses(s), `Expected firing -> resolved -> firing with forMs = 0 (every breach fires at once), got ${statuses(s)}`).toBe('firing -> resolved -> firing');
    expect(s[2], `Expected the second episode to fire at its own time, got ${JSON.stringify(s[2])}`).toMatchObject({ status: 'firing', pendingSince: T0 + 20_000, firedAt: T0 + 20_000 });
  });

  it('turns pending into inactive when the window holds no data', async () => {
    const s = await run([
      [0, HOT],
      [10_000, undefined],
      [20_000, HOT],
      [49_999, HOT],
    ]);
    expect(statuses(s), `Expected pending -> inactive -> pending -> pending: no data is "not breached", so it resets the for-duration, got ${statuses(s)}`).toBe(
      'pending -> inactive -> pending -> pending',
    );
  });

  it('uses the rule’s comparator, not always ">"', async () => {
    const low: AlertRule = { ...RULE, name: 'disk_low', comparator: '<', threshold: 10, forMs: 0 };
    const s = await run(
      [
        [0, 5],
        [10_000, 15],
        [20_000, 10],
      ],
      low,
    );
    expect(statuses(s), `Expected a "< 10" rule to fire at 5, resolve at 15 and stay resolved at 10, got ${statuses(s)}`).toBe('firing -> resolved -> resolved');
    const atLeast = await run([[0, 90]], { ...RULE, comparator: '>=', forMs: 0 });
    expect(atLeast[0]?.status, `Expected a ">= 90" rule to fire at exactly 90, got ${JSON.stringify(atLeast[0]?.status)}`).toBe('firing');
    const atMost = await run([[0, 80], [10_000, 90], [20_000, 91]], { ...RULE, comparator: '<=', forMs: 0 });
    expect(statuses(atMost), `Expected a "<= 90" rule to fire below 90, stay firing at exactly 90 and resolve above it, got ${statuses(atMost)}`).toBe(
      'firing -> firing -> resolved',
    );
    const equal = await run([[0, 90]], { ...RULE, comparator: '==', forMs: 0 });
    expect(equal[0]?.status, `Expected an "== 90" rule to fire at exactly 90, got ${JSON.stringify(equal[0]?.status)}`).toBe('firing');
  });

  it('never treats no data as a breach, whatever the comparator', async () => {
    for (const comparator of ['<', '<=', '==', '>', '>='] as const) {
      const rule: AlertRule = { ...RULE, comparator, threshold: 0, forMs: 0 };
      const s = await run(
        [
          [0, undefined],
          [10_000, comparator === '<' ? -1 : 0],
          [20_000, undefined],
        ],
        rule,
      );
      if (comparator === '>') {
        expect(statuses(s), `Expected "> 0": no data, 0 (not breached), no data: inactive throughout, got ${statuses(s)}`).toBe('inactive -> inactive -> inactive');
        continue;
      }
      expect(statuses(s), `Expected a "${comparator} 0" rule with no data to stay inactive, fire on a breach, and resolve when the data stops (undefined is not 0), got ${statuses(s)}`).toBe(
        'inactive -> firing -> resolved',
      );
    }
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
