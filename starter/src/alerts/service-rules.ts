// Level 7 · provided: read it, don't change it.
import { readFileSync } from 'node:fs';
import { HttpError } from '../http/errors.ts';
import { parseDuration } from '../query/query-params.ts';
import { parseRangeQuery, type RangeQuery } from '../query/range-query.ts';
import { isAggName } from '../query/agg-name.ts';
import { COMPARATORS, RulesError, type AlertRule, type Comparator } from './rules.ts';

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A rule of the finished service: a query over a window, a condition, how long, how bad. */
export interface ServiceRule {
  /** What phase 0's nextAlertState reads (name, comparator, threshold, forMs). */
  state: AlertRule;
  /** The query whose value over the last `windowMs` is compared (start/end are set at evaluation). */
  query: Omit<RangeQuery, 'start' | 'end' | 'step'>;
  /** The query as written, for humans. */
  expr: string;
  windowMs: number;
  severity: Severity;
}

export interface WebhookSettings {
  url: string;
  /** Deliveries tried per notification before it is dropped (and logged). */
  maxAttempts: number;
  /** Wait before the 2nd attempt; doubles after each failure. */
  retryBaseMs: number;
  timeoutMs: number;
}

export interface RulesFile {
  rules: ServiceRule[];
  webhook?: WebhookSettings;
}

/** Read the rules file of the finished service (format in docs/monitoring.md). */
export function loadServiceRules(file: string): RulesFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RulesError(`cannot read rules file ${file}: ${(err as Error).message}`);
  }
  return parseServiceRules(raw, file);
}

/**
 * `{"webhook": {...}, "rules": [...]}` or a bare array. A rule is either
 *   {"name", "query": "name=cpu&match=host=~web-.*&agg=p99", "window": "5m", "comparator", "threshold", "for": "1m", "severity"}
 * or phase 0's form {"name", "metric", "tags", "agg", "windowMs", "comparator", "threshold", "forMs"}.
 */
export function parseServiceRules(raw: unknown, source = 'rules'): RulesFile {
  const obj = Array.isArray(raw) ? { rules: raw } : (raw as Record<string, unknown> | null);
  const list = obj?.rules;
  if (!Array.isArray(list)) throw new RulesError(`${source}: expected an array of rules or {"rules": [...]}`);
  const names = new Set<string>();
  const rules = list.map((r: unknown, i) => {
    const rule = parseRule(r, `${source}: rules[${i}]`);
    if (names.has(rule.state.name)) throw new RulesError(`${source}: rules[${i}].name "${rule.state.name}" is used twice`);
    names.add(rule.state.name);
    return rule;
  });
  const webhook = obj?.webhook === undefined ? undefined : parseWebhook(obj.webhook, `${source}: webhook`);
  return { rules, ...(webhook ? { webhook } : {}) };
}

function parseRule(r: unknown, at: string): ServiceRule {
  if (typeof r !== 'object' || r === null) throw new RulesError(`${at} must be an object`);
  const o = r as Record<string, unknown>;
  const need = (ok: boolean, field: string, what: string): void => {
    if (!ok) throw new RulesError(`${at}.${field} ${what}`);
  };
  need(typeof o.name === 'string' && o.name !== '', 'name', 'must be a non-empty string');
  need((COMPARATORS as readonly unknown[]).includes(o.comparator), 'comparator', `must be one of ${COMPARATORS.join(' ')}`);
  need(typeof o.threshold === 'number' && Number.isFinite(o.threshold), 'threshold', 'must be a finite number');
  const severity = o.severity ?? 'warning';
  need((SEVERITIES as readonly unknown[]).includes(severity), 'severity', `must be one of ${SEVERITIES.join(', ')}`);

  const expr = typeof o.query === 'string' ? o.query : legacyQuery(o, at);
  let query: RangeQuery;
  try {
    query = parseRangeQuery(new URLSearchParams(expr), 0);
  } catch (err) {
    const reason = err instanceof HttpError ? `${String(err.body.param)} ${String(err.body.reason)}` : (err as Error).message;
    throw new RulesError(`${at}.query "${expr}": ${reason}`);
  }
  need(!new URLSearchParams(expr).has('step'), 'query', 'must not have a step (the window is one bucket)');
  const windowMs = duration(o.window ?? o.windowMs, `${at}.window`, false);
  const forMs = duration(o.for ?? o.forMs ?? 0, `${at}.for`, true);
  return {
    state: {
      name: o.name as string,
      metric: query.name,
      // Kept for the AlertRule shape only: phase 0's state machine never reads agg (the value comes from `query`).
      agg: isAggName(query.agg) ? query.agg : 'max',
      windowMs,
      comparator: o.comparator as Comparator,
      threshold: o.threshold as number,
      forMs,
    },
    query: { name: query.name, agg: query.agg, matchers: query.matchers },
    expr,
    windowMs,
    severity: severity as Severity,
  };
}

/** Phase 0's metric/tags/agg fields as a query string. */
function legacyQuery(o: Record<string, unknown>, at: string): string {
  if (typeof o.metric !== 'string' || o.metric === '') throw new RulesError(`${at} needs "query" (e.g. "name=cpu&agg=avg") or "metric"`);
  const p = new URLSearchParams({ name: o.metric, agg: typeof o.agg === 'string' ? o.agg : 'avg' });
  const tags = o.tags ?? {};
  if (typeof tags !== 'object' || tags === null || !Object.values(tags).every((v) => typeof v === 'string')) throw new RulesError(`${at}.tags must be an object of strings`);
  for (const [k, v] of Object.entries(tags as Record<string, string>)) p.append('match', `${k}=${v}`);
  return p.toString();
}

/** A duration: ms as an integer, or a string like "30s", "5m". */
function duration(v: unknown, at: string, zeroOk: boolean): number {
  if (typeof v === 'number' && Number.isInteger(v) && (v > 0 || (zeroOk && v === 0))) return v;
  if (typeof v === 'string') {
    try {
      return parseDuration(v, at);
    } catch {
      // reported below
    }
  }
  throw new RulesError(`${at} must be a duration like "30s", "5m" or a ${zeroOk ? 'non-negative' : 'positive'} number of ms, got ${JSON.stringify(v)}`);
}

function parseWebhook(w: unknown, at: string): WebhookSettings {
  const o = (typeof w === 'object' && w !== null ? w : {}) as Record<string, unknown>;
  let url: URL | undefined;
  try {
    url = new URL(String(o.url));
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol)) throw new RulesError(`${at}.url must be an http(s) URL, got ${JSON.stringify(o.url)}`);
  const int = (field: string, dflt: number, min: number): number => {
    const v = o[field] ?? dflt;
    if (!Number.isInteger(v) || (v as number) < min) throw new RulesError(`${at}.${field} must be an integer >= ${min}`);
    return v as number;
  };
  return { url: url.href, maxAttempts: int('maxAttempts', 5, 1), retryBaseMs: int('retryBaseMs', 500, 1), timeoutMs: int('timeoutMs', 5000, 1) };
}
