// Level 0 · exercise of phase 0: yours to write on its branch; later branches hold the reference.
import type { IngestContext, Metric } from './metric.ts';
import { ValidationError } from './errors.ts';
import { isRealDateTime } from '../lib/dates.ts';

/** Metric names: Prometheus-style, plus dots (`http.requests`). */
const NAME = /^[A-Za-z_:][A-Za-z0-9_:.]*$/;
const TAG_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const MAX_NAME = 200;
const MAX_TAG_VALUE = 200;
const MAX_TAGS = 32;
/** The largest time a JS Date can hold. */
const MAX_TIME = 8.64e15;

/**
 * Turn a parsed payload `{"metrics":[...]}` into metrics, or throw a ValidationError naming the
 * first bad field (`metrics[2].value`) and why.
 */
export function validatePayload(raw: unknown, ctx: IngestContext): Metric[] {
  if (!isPlainObject(raw)) throw new ValidationError('body', 'must be a JSON object with a "metrics" array');
  const list = raw.metrics;
  if (!Array.isArray(list)) throw new ValidationError('metrics', 'must be an array');
  if (list.length === 0) throw new ValidationError('metrics', 'must contain at least one metric');
  return list.map((item, i) => validateMetric(item, `metrics[${i}]`, ctx));
}

function validateMetric(item: unknown, at: string, ctx: IngestContext): Metric {
  if (!isPlainObject(item)) throw new ValidationError(at, 'must be an object');
  return {
    name: validateName(item.name, `${at}.name`),
    value: validateValue(item.value, `${at}.value`),
    timestamp: validateTimestamp(item.timestamp, `${at}.timestamp`, ctx.now),
    tags: validateTags(item.tags, `${at}.tags`),
    client: ctx.client,
  };
}

function validateName(name: unknown, field: string): string {
  if (name === undefined) throw new ValidationError(field, 'is required');
  if (typeof name !== 'string' || name === '') throw new ValidationError(field, 'must be a non-empty string');
  if (name.length > MAX_NAME) throw new ValidationError(field, `must be at most ${MAX_NAME} characters`);
  if (!NAME.test(name)) throw new ValidationError(field, 'must match [A-Za-z_:][A-Za-z0-9_:.]*');
  return name;
}

function validateValue(value: unknown, field: string): number {
  if (value === undefined) throw new ValidationError(field, 'is required');
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ValidationError(field, 'must be a finite number');
  return value;
}

function validateTimestamp(ts: unknown, field: string, now: number): number {
  if (ts === undefined) return now;
  if (typeof ts === 'number') {
    if (!Number.isInteger(ts) || ts < 0 || ts > MAX_TIME) throw new ValidationError(field, 'must be a non-negative integer of epoch milliseconds');
    return ts;
  }
  if (typeof ts === 'string') {
    const t = ISO_8601.test(ts) && isRealDateTime(ts) ? Date.parse(ts) : NaN; // Date.parse rolls 2025-02-30 over to March
    if (Number.isNaN(t) || t < 0) throw new ValidationError(field, 'must be an ISO 8601 date-time like 2025-09-17T13:45:23.123Z');
    return t;
  }
  throw new ValidationError(field, 'must be an ISO 8601 string or epoch milliseconds');
}

function validateTags(tags: unknown, field: string): Record<string, string> {
  if (tags === undefined) return {};
  if (!isPlainObject(tags)) throw new ValidationError(field, 'must be an object of string values');
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS) throw new ValidationError(field, `must have at most ${MAX_TAGS} tags`);
  for (const [key, value] of entries) {
    if (!TAG_KEY.test(key)) throw new ValidationError(`${field}.${key}`, 'tag key must match [A-Za-z_][A-Za-z0-9_.-]*');
    if (typeof value !== 'string') throw new ValidationError(`${field}.${key}`, 'must be a string');
    if (value.length > MAX_TAG_VALUE) throw new ValidationError(`${field}.${key}`, `must be at most ${MAX_TAG_VALUE} characters`);
  }
  // fromEntries defines own properties, so even a "__proto__" key could not touch the prototype.
  return Object.fromEntries(entries) as Record<string, string>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
