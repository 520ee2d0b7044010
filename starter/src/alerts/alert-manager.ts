// Level 7 · provided: read it, don't change it.
import type { Clock } from '../lib/clock.ts';
import { isTodoError } from '../lib/todo.ts';
import { windowValue } from '../query/window-value.ts';
import type { SeriesStore } from '../storage/series-store.ts';
import { nextAlertState } from './alert-engine.ts';
import { INACTIVE, type AlertState, type AlertStatus } from './alert-state.ts';
import type { ServiceRule } from './service-rules.ts';
import type { AlertNotification, WebhookNotifier } from './webhook-notifier.ts';

export interface Transition {
  at: number;
  from: AlertStatus;
  to: AlertStatus;
  value?: number;
}

export interface ManagedAlertView extends AlertState {
  rule: string;
  severity: string;
  expr: string;
  metric: string;
  comparator: string;
  threshold: number;
  windowMs: number;
  forMs: number;
  /** The latest transitions, oldest first. */
  history: Transition[];
}

const HISTORY = 20;

export type AlertSnapshot = Record<string, { state: AlertState; history: Transition[] }>;

/**
 * The finished service's alerting: each rule's query value over its window, phase 0's state
 * machine (nextAlertState) for pending/firing/resolved, a short history, and a webhook
 * notification for every change to firing or resolved.
 */
export class AlertManager {
  private readonly states = new Map<string, AlertState>();
  private readonly histories = new Map<string, Transition[]>();
  private timer: NodeJS.Timeout | undefined;
  lastError: unknown;

  constructor(
    readonly rules: readonly ServiceRule[],
    private readonly store: SeriesStore,
    private readonly clock: Clock,
    private readonly log: (line: string) => void,
    private readonly notifier?: WebhookNotifier,
  ) {
    for (const r of rules) {
      this.states.set(r.state.name, INACTIVE);
      this.histories.set(r.state.name, []);
    }
  }

  evaluate(): void {
    const now = this.clock.now();
    let failure: unknown;
    for (const rule of this.rules) {
      try {
        const name = rule.state.name;
        const prev = this.states.get(name)!;
        const next = nextAlertState(prev, windowValue(this.store, rule.query, now - rule.windowMs, now), rule.state, now);
        this.states.set(name, next);
        if (next.status !== prev.status) this.transition(rule, prev.status, next, now);
      } catch (err) {
        failure ??= err;
      }
    }
    this.lastError = failure;
  }

  list(): ManagedAlertView[] {
    if (isTodoError(this.lastError)) throw this.lastError;
    return this.rules.map((r) => ({
      rule: r.state.name,
      severity: r.severity,
      expr: r.expr,
      metric: r.state.metric,
      comparator: r.state.comparator,
      threshold: r.state.threshold,
      windowMs: r.windowMs,
      forMs: r.state.forMs,
      ...this.states.get(r.state.name)!,
      history: [...this.histories.get(r.state.name)!],
    }));
  }

  /** Each rule's state and recent transitions: what a successor continues from (the cluster's alerts nodes). */
  snapshot(): AlertSnapshot {
    return Object.fromEntries(this.rules.map((r) => [r.state.name, { state: this.states.get(r.state.name)!, history: [...this.histories.get(r.state.name)!] }]));
  }

  /**
   * Continue from another evaluator's snapshot: a rule firing there is firing here, in the same
   * episode (same firedAt), so the next evaluation sends nothing new. Rules it does not name keep theirs.
   */
  restore(snapshot: AlertSnapshot): void {
    for (const r of this.rules) {
      const saved = snapshot[r.state.name];
      if (!saved) continue;
      this.states.set(r.state.name, saved.state);
      this.histories.set(r.state.name, saved.history.slice(-HISTORY));
    }
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

  private transition(rule: ServiceRule, from: AlertStatus, to: AlertState, now: number): void {
    const history = this.histories.get(rule.state.name)!;
    history.push({ at: now, from, to: to.status, ...(to.value === undefined ? {} : { value: to.value }) });
    if (history.length > HISTORY) history.shift();
    this.log(`alert ${rule.state.name} [${rule.severity}]: ${from} -> ${to.status}${to.value === undefined ? '' : ` (value ${to.value})`}`);
    if (!this.notifier || (to.status !== 'firing' && to.status !== 'resolved')) return;
    const n: AlertNotification = {
      // One id per episode and status: firedAt names the episode, so a repeat can never pass as new.
      id: `${rule.state.name}:${to.firedAt ?? now}:${to.status}`,
      rule: rule.state.name,
      severity: rule.severity,
      status: to.status,
      expr: rule.expr,
      comparator: rule.state.comparator,
      threshold: rule.state.threshold,
      ...pick(to),
    };
    this.notifier.notify(n);
  }
}

function pick(s: AlertState): Pick<AlertNotification, 'value' | 'pendingSince' | 'firedAt' | 'resolvedAt'> {
  return {
    ...(s.value === undefined ? {} : { value: s.value }),
    ...(s.pendingSince === undefined ? {} : { pendingSince: s.pendingSince }),
    ...(s.firedAt === undefined ? {} : { firedAt: s.firedAt }),
    ...(s.resolvedAt === undefined ? {} : { resolvedAt: s.resolvedAt }),
  };
}
