// Level 0 · exercise of phase 0: yours to write on its branch; later branches hold the reference.
import type { AlertState } from './alert-state.ts';
import type { AlertRule, Comparator } from './rules.ts';
import { todo } from '../lib/todo.ts';

// TODO(phase-0): `value comparator threshold`, for the five comparators > >= < <= ==.
export function compare(value: number, comparator: Comparator, threshold: number): boolean {
  void value, void comparator, void threshold;
  return todo(0, 'compare', 'docs/phase-0-poc.md#exercise-3-the-alert-state-machine');
}

// TODO(phase-0): one evaluation of `rule` at time `now`; return the new state (do not mutate `prev`).
// `value` is the rule's aggregate over its window; undefined = no data = condition false.
// - condition true:  inactive/resolved -> pending (pendingSince = now);
//                    pending -> firing once now - pendingSince >= rule.forMs (firedAt = now);
//                    (so forMs = 0 fires at the first true evaluation); firing stays firing.
// - condition false: pending -> inactive; firing -> resolved (resolvedAt = now, keep pendingSince
//                    and firedAt); inactive and resolved stay as they are.
// - always record the evaluated `value` in the new state when there is one.
/**
 * One evaluation of a rule at time `now`, given the window's aggregated `value` (undefined: no
 * data in the window, which counts as "condition false"). Returns the new state; never mutates.
 */
export function nextAlertState(prev: AlertState, value: number | undefined, rule: AlertRule, now: number): AlertState {
  void prev, void value, void rule, void now;
  return todo(0, 'nextAlertState', 'docs/phase-0-poc.md#exercise-3-the-alert-state-machine');
}
