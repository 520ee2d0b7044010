// Level 0 · exercise of phase 0: yours to write on its branch; later branches hold the reference.
import type { IngestContext, Metric } from './metric.ts';
import { ValidationError } from './errors.ts';
import { isRealDateTime } from '../lib/dates.ts';
import { todo } from '../lib/todo.ts';

// TODO(phase-0): validate the payload and build one Metric per entry.
// - body: an object with a `metrics` array of at least one entry (field `body` / `metrics`)
// - name: required non-empty string matching [A-Za-z_:][A-Za-z0-9_:.]*, at most 200 characters
// - value: required finite number (NaN, Infinity and "75.5" are refused)
// - timestamp: optional; ISO 8601 string of a real date (isRealDateTime: Date.parse rolls 2025-02-30
//   over to March) or integer epoch ms >= 0; absent -> ctx.now
// - tags: optional object whose values are strings (field `metrics[i].tags.<key>`); absent -> {}
// - client: ctx.client. Unknown fields are ignored. See the lesson for the full table.
// - errors: throw for the first bad field, naming it and why:
//   `throw new ValidationError('metrics[2].value', 'must be a finite number')`
/**
 * Turn a parsed payload `{"metrics":[...]}` into metrics, or throw a ValidationError naming the
 * first bad field (`metrics[2].value`) and why.
 */
export function validatePayload(raw: unknown, ctx: IngestContext): Metric[] {
  void raw, void ctx, void ValidationError, void isRealDateTime;
  return todo(0, 'validatePayload', 'docs/phase-0-poc.md#exercise-1-validate-a-payload');
}
