// Level 0 · provided: read it, don't change it.
import { BadParameterError } from '../http/errors.ts';
import { isRealDateTime, ISO_8601, MAX_TIME } from '../lib/dates.ts';
import { AGG_NAMES, isAggName, type AggName } from './agg-name.ts';

export interface QuerySpec {
  name: string;
  start: number;
  end: number;
  step?: number;
  tags: Record<string, string>;
  agg: AggName;
}

const DURATION = /^(\d+)(ms|s|m|h|d)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Keeps a careless step from allocating millions of buckets. */
const MAX_BUCKETS = 10_000;

/**
 * Read `GET /query` parameters; every mistake is a 400 naming the parameter.
 * Defaults: start = 0 (everything), end = now, agg = avg, no step.
 */
export function parseQueryParams(params: URLSearchParams, now: number): QuerySpec {
  const name = params.get('name');
  if (!name) throw new BadParameterError('name', 'is required, e.g. name=cpu_usage');
  const start = params.has('start') ? parseTime(params.get('start')!, 'start') : 0;
  const end = params.has('end') ? parseTime(params.get('end')!, 'end') : now;
  if (end < start) throw new BadParameterError('end', 'must not be before start');
  const agg = params.get('agg') ?? 'avg';
  if (!isAggName(agg)) throw new BadParameterError('agg', `must be one of ${AGG_NAMES.join(', ')}`);
  const spec: QuerySpec = { name, start, end, tags: parseTags(params.get('tags')), agg };
  if (params.has('step')) {
    const step = parseDuration(params.get('step')!, 'step');
    if ((end - start) / step > MAX_BUCKETS) throw new BadParameterError('step', `gives more than ${MAX_BUCKETS} buckets for this range`);
    spec.step = step;
  }
  return spec;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Epoch milliseconds (0 to 8.64e15, the range a Date holds), an ISO 8601 date-time with Z or an
 * offset, or a date (YYYY-MM-DD, midnight UTC). Strictly: Date.parse also reads "-1" as the year
 * 2001 and rolls 2025-02-30 over to March, and a range must mean what it says.
 */
export function parseTime(s: string, param: string): number {
  const iso = ISO_8601.test(s) ? s : ISO_DATE.test(s) ? `${s}T00:00:00Z` : undefined;
  const t = /^\d{1,16}$/.test(s) ? Number(s) : iso !== undefined && isRealDateTime(iso) ? Date.parse(iso) : NaN;
  if (!Number.isFinite(t) || t < 0 || t > MAX_TIME) {
    throw new BadParameterError(param, 'must be epoch milliseconds (0 to 8.64e15), an ISO 8601 date-time with Z or an offset, or a date YYYY-MM-DD, and a real one');
  }
  return t;
}

/** `500`, `500ms`, `10s`, `1m`, `2h`, `1d` -> ms, > 0. */
export function parseDuration(s: string, param: string): number {
  const m = DURATION.exec(s);
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] ?? 'ms']! : NaN;
  if (!(ms > 0)) throw new BadParameterError(param, 'must be a positive duration like 500, 10s, 1m or 1h');
  return ms;
}

/** `host:a,region:eu` -> { host: 'a', region: 'eu' }. */
function parseTags(s: string | null): Record<string, string> {
  const tags: Record<string, string> = {};
  if (!s) return tags;
  for (const pair of s.split(',')) {
    const colon = pair.indexOf(':');
    if (colon <= 0) throw new BadParameterError('tags', `"${pair}" is not key:value (e.g. tags=host:a,region:eu)`);
    Object.defineProperty(tags, pair.slice(0, colon), { value: pair.slice(colon + 1), enumerable: true });
  }
  return tags;
}
