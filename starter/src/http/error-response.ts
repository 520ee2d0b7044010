// Level 0 · provided: read it, don't change it.
import { isOverloadError } from '../lib/overload.ts';
import { isTodoError } from '../lib/todo.ts';
import { ParseError, ValidationError } from '../ingest/errors.ts';
import { HttpError } from './errors.ts';
import type { Reply } from './reply.ts';

/**
 * The one place that decides how a thrown error is answered. Errors are recognised by name as
 * well as by class, because an error that crossed a worker boundary keeps only its name and fields.
 */
export function errorReply(err: unknown): Reply {
  if (err instanceof HttpError) return { status: err.status, body: err.body, headers: err.headers };
  const e = err as { name?: string; position?: unknown; field?: unknown; reason?: unknown; message?: string } | null;
  if (err instanceof ParseError || (e?.name === 'ParseError' && typeof e.position === 'number')) {
    return { status: 400, body: { error: 'parse_error', position: e!.position, reason: e!.reason } };
  }
  if (err instanceof ValidationError || (e?.name === 'ValidationError' && typeof e.field === 'string')) {
    return { status: 400, body: { error: 'validation_error', field: e!.field, reason: e!.reason } };
  }
  if (isOverloadError(err) || (e?.name === 'OverloadError' && typeof (err as { retryAfterSec?: unknown }).retryAfterSec === 'number')) {
    const o = err as { code?: string; message: string; retryAfterSec: number };
    return { status: 503, body: { error: o.code ?? 'overloaded', reason: o.message, retryAfterSec: o.retryAfterSec }, headers: { 'retry-after': String(o.retryAfterSec) } };
  }
  if (isTodoError(err)) return { status: 501, body: { error: 'not_implemented', message: (err as Error).message } };
  return { status: 500, body: { error: 'internal_error', message: err instanceof Error ? err.message : String(err) } };
}
