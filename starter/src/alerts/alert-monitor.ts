// Level 0 · provided: read it, don't change it.
import type { Clock } from '../lib/clock.ts';
import { isTodoError } from '../lib/todo.ts';
import { aggregate } from '../query/aggregate.ts';
import type { SeriesStore } from '../storage/series-store.ts';
import { nextAlertState } from './alert-engine.ts';
import { INACTIVE, type AlertState, type AlertStatus } from './alert-state.ts';
import type { AlertRule } from './rules.ts';

export interface AlertView extends AlertState {
  rule: string;
  metric: string;
  comparator: string;
  threshold: number;
}

export type TransitionListener = (rule: AlertRule, from: AlertStatus, to: AlertState) => void;

/**
 * Evaluates every rule against the store at the Clock's time, keeps each rule's state, and tells a
 * listener about transitions (the service logs them: our "notification").
 */
export class AlertMonitor {
  private readonly states = new Map<string, AlertState>();
  private timer: NodeJS.Timeout | undefined;
  /** Set when an evaluation failed, e.g. a stub threw TodoError; GET /alerts reports it. */
  lastError: unknown;

  constructor(
    readonly rules: readonly AlertRule[],
    private readonly store: SeriesStore,
    private readonly clock: Clock,
    private readonly onTransition: TransitionListener = () => {},
  ) {
    for (const r of rules) this.states.set(r.name, INACTIVE);
  }

  /** The rule's aggregate over [now - windowMs, now] across every matching series. */
  windowValue(rule: AlertRule, now: number): number | undefined {
    const values = this.store.select(rule.metric, rule.tags ?? {}, now - rule.windowMs, now).flatMap((s) => s.points.map((p) => p.value));
    return values.length === 0 ? undefined : aggregate(values, rule.agg);
  }

  evaluate(): void {
    const now = this.clock.now();
    let failure: unknown;
    for (const rule of this.rules) {
      try {
        const prev = this.states.get(rule.name)!;
        const next = nextAlertState(prev, this.windowValue(rule, now), rule, now);
        this.states.set(rule.name, next);
        if (next.status !== prev.status) this.onTransition(rule, prev.status, next);
      } catch (err) {
        failure ??= err;
      }
    }
    this.lastError = failure;
  }

  /** Every rule with its current state. */
  list(): AlertView[] {
    if (isTodoError(this.lastError)) throw this.lastError;
    return this.rules.map((r) => ({ rule: r.name, metric: r.metric, comparator: r.comparator, threshold: r.threshold, ...this.states.get(r.name)! }));
  }

  start(intervalMs: number): void {
    if (this.rules.length === 0 || this.timer) return;
    this.timer = setInterval(() => this.evaluate(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
