import type { ParseLimits } from '../../../../starter/src/ingest/parse-limits.ts';

/** The shape of the learner's module (imported from the target tree, never from starter/). */
export interface FastParserModule {
  parseFast(text: string, limits?: ParseLimits): unknown;
}

/** What one call of the learner's parser did, as plain data that crosses the worker boundary. */
export type Outcome =
  | { ok: true; value: unknown; /** With `audit`: why the result is not plain data, as JSON.parse makes it. */ notPlain?: string }
  | { ok: false; error: { name: string; message: string; position: unknown; reason: unknown } };

export interface ParseJob {
  inputs: string[];
  limits?: ParseLimits;
  /** Also check, in the worker, that every property of each result is a plain data property. */
  audit?: boolean;
  /** Int32[0]: index of the input being parsed, for the watchdog's report. */
  current: SharedArrayBuffer;
}

/** Short, escaped view of an input for a failure message. */
export function show(text: string, max = 160): string {
  const s = JSON.stringify(text);
  return s.length <= max ? s : `${s.slice(0, max - 20)}…${s.slice(-19)} (${text.length} chars)`;
}

/** Why an outcome is not a proper ParseError, or undefined when it is one. */
export function notAParseError(o: Outcome): string | undefined {
  if (o.ok) return 'it was accepted';
  const { name, message, position, reason } = o.error;
  if (name !== 'ParseError') return `it threw ${name}: ${message} instead of a ParseError`;
  if (typeof position !== 'number' || !Number.isInteger(position)) return `the ParseError has no integer position (got ${String(position)})`;
  if (typeof reason !== 'string' || reason.length === 0) return 'the ParseError has no reason';
  return undefined;
}

/** The position of a ParseError outcome (call after notAParseError returned undefined). */
export const positionOf = (o: Outcome): number => (o.ok ? NaN : (o.error.position as number));
