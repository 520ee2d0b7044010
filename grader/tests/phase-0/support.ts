import { importTarget } from '../../src/harness/target.ts';

/** The learner's phase-0 modules, typed by what the tests use. */
export interface Metric {
  name: string;
  value: number;
  timestamp: number;
  tags: Record<string, string>;
  client: string;
}
export interface Point {
  t: number;
  value: number;
}
export type AggName = 'avg' | 'min' | 'max' | 'sum' | 'count' | 'p95';
export interface AlertRule {
  name: string;
  metric: string;
  tags?: Record<string, string>;
  agg: AggName;
  windowMs: number;
  comparator: '>' | '>=' | '<' | '<=' | '==';
  threshold: number;
  forMs: number;
}
export interface AlertState {
  status: 'inactive' | 'pending' | 'firing' | 'resolved';
  pendingSince?: number;
  firedAt?: number;
  resolvedAt?: number;
  value?: number;
}

export const validateModule = () =>
  importTarget<{ validatePayload(raw: unknown, ctx: { client: string; now: number }): Metric[] }>('src/ingest/validate.ts');
export const aggregateModule = () =>
  importTarget<{
    aggregate(values: readonly number[], agg: AggName): number;
    bucketize(points: readonly Point[], spec: { start: number; end: number; step?: number; agg: AggName }): Point[];
  }>('src/query/aggregate.ts');
export const alertEngineModule = () =>
  importTarget<{
    compare(value: number, comparator: AlertRule['comparator'], threshold: number): boolean;
    nextAlertState(prev: AlertState, value: number | undefined, rule: AlertRule, now: number): AlertState;
  }>('src/alerts/alert-engine.ts');
export const clockModule = () => importTarget<{ ManualClock: new (t?: number) => { now(): number; set(t: number): void; advance(ms: number): void } }>('src/lib/clock.ts');

/** What an error thrown by the learner's code says about itself, for assertion messages. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return `a thrown ${typeof err} (${String(err)})`;
  const fields = Object.entries(err as unknown as Record<string, unknown>)
    .filter(([k]) => k !== 'stack')
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
  return `${err.name}("${err.message}"${fields ? `; ${fields}` : ''})`;
}

export const T0 = Date.parse('2025-09-17T13:45:00.000Z');
