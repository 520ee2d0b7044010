/**
 * The trusted reference: what `parseFast(text)` must return is `JSON.parse(text)` without the unknown
 * fields of the root and of each metric (the lesson's contract). Duplicate keys: the last one wins.
 */
const METRIC_FIELDS = ['name', 'value', 'timestamp', 'tags'];

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function pick(obj: Record<string, unknown>, keep: (key: string) => boolean, map: (key: string, v: unknown) => unknown) {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) if (keep(key)) out[key] = map(key, obj[key]);
  return out;
}

export function expectedPayload(text: string): { ok: true; value: unknown } | { ok: false } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false };
  }
  if (!isPlainObject(parsed)) return { ok: true, value: parsed };
  const value = pick(
    parsed,
    (k) => k === 'metrics',
    (_k, metrics) =>
      Array.isArray(metrics)
        ? metrics.map((m) => (isPlainObject(m) ? pick(m, (k) => METRIC_FIELDS.includes(k), (_key, v) => v) : m))
        : metrics,
  );
  return { ok: true, value };
}

/**
 * Where two JSON values first differ, as a path and both sides, or undefined when equal.
 * Numbers compare with Object.is (so -0 is not 0); objects by own keys, whatever their prototype.
 */
export function firstDifference(expected: unknown, actual: unknown, path = '$'): string | undefined {
  const show = (v: unknown) => (Object.is(v, -0) ? '-0' : v === undefined ? 'undefined' : JSON.stringify(v));
  if (typeof expected !== 'object' || expected === null || typeof actual !== 'object' || actual === null) {
    return Object.is(expected, actual) ? undefined : `at ${path}: expected ${show(expected)}, got ${show(actual)}`;
  }
  if (Array.isArray(expected) !== Array.isArray(actual)) {
    return `at ${path}: expected ${Array.isArray(expected) ? 'an array' : 'an object'}, got ${show(actual)}`;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) return `at ${path}: expected ${expected.length} elements, got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const d = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  const missing = Object.keys(e).find((k) => !Object.prototype.hasOwnProperty.call(a, k));
  if (missing !== undefined) return `at ${path}: key ${JSON.stringify(missing)} is missing`;
  const extra = Object.keys(a).find((k) => !Object.prototype.hasOwnProperty.call(e, k));
  if (extra !== undefined) return `at ${path}: unexpected key ${JSON.stringify(extra)} (unknown fields must be skipped)`;
  for (const k of Object.keys(e)) {
    const d = firstDifference(e[k], a[k], `${path}.${k}`);
    if (d) return d;
  }
  return undefined;
}

/** UTF-8 byte length of a string: the unit of every position. */
export const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
