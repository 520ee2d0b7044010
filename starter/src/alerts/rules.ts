// Level 0 · provided: read it, don't change it.
import { readFileSync } from 'node:fs';
import { isAggName, AGG_NAMES, type AggName } from '../query/agg-name.ts';

export const COMPARATORS = ['>', '>=', '<', '<=', '=='] as const;
export type Comparator = (typeof COMPARATORS)[number];

/**
 * "Fire `name` when the `agg` of `metric` (tags filter) over the last `windowMs`
 * is `comparator threshold` continuously for `forMs`."
 */
export interface AlertRule {
  name: string;
  metric: string;
  tags?: Record<string, string>;
  agg: AggName;
  windowMs: number;
  comparator: Comparator;
  threshold: number;
  forMs: number;
}

export class RulesError extends Error {
  override readonly name = 'RulesError';
}

/** Read the rules file: a JSON array of rules, or `{"rules": [...]}`. */
export function loadRules(file: string): AlertRule[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RulesError(`cannot read rules file ${file}: ${(err as Error).message}`);
  }
  return parseRules(raw, file);
}

export function parseRules(raw: unknown, source = 'rules'): AlertRule[] {
  const list = Array.isArray(raw) ? raw : (raw as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(list)) throw new RulesError(`${source}: expected an array of rules or {"rules": [...]}`);
  const names = new Set<string>();
  return list.map((r: unknown, i) => {
    const rule = parseRule(r, `${source}: rules[${i}]`);
    if (names.has(rule.name)) throw new RulesError(`${source}: rules[${i}].name "${rule.name}" is used twice`);
    names.add(rule.name);
    return rule;
  });
}

function parseRule(r: unknown, at: string): AlertRule {
  if (typeof r !== 'object' || r === null) throw new RulesError(`${at} must be an object`);
  const o = r as Record<string, unknown>;
  const need = (ok: boolean, field: string, what: string): void => {
    if (!ok) throw new RulesError(`${at}.${field} ${what}`);
  };
  need(typeof o.name === 'string' && o.name !== '', 'name', 'must be a non-empty string');
  need(typeof o.metric === 'string' && o.metric !== '', 'metric', 'must be a non-empty string');
  need(isAggName(o.agg), 'agg', `must be one of ${AGG_NAMES.join(', ')}`);
  need(Number.isInteger(o.windowMs) && (o.windowMs as number) > 0, 'windowMs', 'must be a positive integer');
  need((COMPARATORS as readonly unknown[]).includes(o.comparator), 'comparator', `must be one of ${COMPARATORS.join(' ')}`);
  need(typeof o.threshold === 'number' && Number.isFinite(o.threshold), 'threshold', 'must be a finite number');
  need(Number.isInteger(o.forMs) && (o.forMs as number) >= 0, 'forMs', 'must be an integer >= 0');
  const tags = o.tags ?? {};
  need(typeof tags === 'object' && tags !== null && Object.values(tags).every((v) => typeof v === 'string'), 'tags', 'must be an object of strings');
  return {
    name: o.name as string,
    metric: o.metric as string,
    tags: tags as Record<string, string>,
    agg: o.agg as AggName,
    windowMs: o.windowMs as number,
    comparator: o.comparator as Comparator,
    threshold: o.threshold as number,
    forMs: o.forMs as number,
  };
}
