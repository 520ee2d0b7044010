// Level 0 · exercise of phase 0: yours to write on its branch; later branches hold the reference.
import type { AlertState } from './alert-state.ts';
import type { AlertRule, Comparator } from './rules.ts';

export function compare(value: number, comparator: Comparator, threshold: number): boolean {
  switch (comparator) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
  }
}

/**
 * One evaluation of a rule at time `now`, given the window's aggregated `value` (undefined: no
 * data in the window, which counts as "condition false"). Returns the new state; never mutates.
 */
export function nextAlertState(prev: AlertState, value: number | undefined, rule: AlertRule, now: number): AlertState {
  const breached = value !== undefined && compare(value, rule.comparator, rule.threshold);
  const seen = value === undefined ? {} : { value };
  if (!breached) {
    if (prev.status === 'firing') return { status: 'resolved', pendingSince: prev.pendingSince!, firedAt: prev.firedAt!, resolvedAt: now, ...seen };
    if (prev.status === 'resolved') return { ...prev, ...seen };
    return { status: 'inactive', ...seen };
  }
  if (prev.status === 'firing') return { ...prev, ...seen };
  // A new episode starts from inactive or resolved; pending keeps its start.
  const pendingSince = prev.status === 'pending' ? prev.pendingSince! : now;
  if (now - pendingSince >= rule.forMs) return { status: 'firing', pendingSince, firedAt: now, ...seen };
  return { status: 'pending', pendingSince, ...seen };
}
