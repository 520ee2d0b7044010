// Level 7 · provided: read it, don't change it.
import { isCalendarDay, isRealDateTime, ISO_8601, MAX_TIME } from '../lib/dates.ts';
/**
 * The wire contract of a metric (docs/phase-0-poc.md, "the full table"), stated once more for the
 * byte parser, which validates while it parses instead of calling validatePayload. The messages are
 * the validator's, word for word: a client sees the same 400 whichever path read its body.
 */

export const NAME = /^[A-Za-z_:][A-Za-z0-9_:.]*$/;
export const TAG_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
export { ISO_8601, MAX_TIME };
export const MAX_NAME = 200;
export const MAX_TAG_VALUE = 200;
export const MAX_TAGS = 32;

export const REASONS = {
  body: 'must be a JSON object with a "metrics" array',
  metricsArray: 'must be an array',
  metricsEmpty: 'must contain at least one metric',
  metric: 'must be an object',
  required: 'is required',
  nameType: 'must be a non-empty string',
  nameLength: `must be at most ${MAX_NAME} characters`,
  namePattern: 'must match [A-Za-z_:][A-Za-z0-9_:.]*',
  value: 'must be a finite number',
  timestampNumber: 'must be a non-negative integer of epoch milliseconds',
  timestampString: 'must be an ISO 8601 date-time like 2025-09-17T13:45:23.123Z',
  timestampType: 'must be an ISO 8601 string or epoch milliseconds',
  tags: 'must be an object of string values',
  tagCount: `must have at most ${MAX_TAGS} tags`,
  tagKey: 'tag key must match [A-Za-z_][A-Za-z0-9_.-]*',
  tagValueType: 'must be a string',
  tagValueLength: `must be at most ${MAX_TAG_VALUE} characters`,
} as const;

/** Why a metric name (already a string) is refused, or undefined when it is fine. */
export function nameProblem(name: string): string | undefined {
  if (name === '') return REASONS.nameType;
  if (name.length > MAX_NAME) return REASONS.nameLength;
  if (!NAME.test(name)) return REASONS.namePattern;
  return undefined;
}

/** An ISO 8601 timestamp string as epoch ms, or NaN when the validator would refuse it (also a day that does not exist: lib/dates.ts). */
export function isoToEpoch(s: string): number {
  if (!ISO_8601.test(s) || !isRealDateTime(s)) return NaN;
  const t = Date.parse(s);
  return Number.isNaN(t) || t < 0 ? NaN : t;
}

// Byte classes: which bytes may start / continue a metric name or a tag key (ASCII only).
export const NAME_START = 1, NAME_CHAR = 2, KEY_START = 4, KEY_CHAR = 8;
export const BYTE_CLASS: Uint8Array = (() => {
  const t = new Uint8Array(256);
  const mark = (chars: string, bits: number) => {
    for (const ch of chars) t[ch.charCodeAt(0)]! |= bits;
  };
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const digits = '0123456789';
  mark(letters + '_:', NAME_START);
  mark(letters + digits + '_:.', NAME_CHAR);
  mark(letters + '_', KEY_START);
  mark(letters + digits + '_.-', KEY_CHAR);
  return t;
})();

// ---- ISO timestamps straight from bytes ----

const D0 = 0x30;
/** Offsets of the digits in `YYYY-MM-DDTHH:MM:SS` and `…SS.sss`. */
const DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
const DIGITS_MS = [...DIGITS, 20, 21, 22];
const hourCache = new Map<number, number>();

/**
 * Epoch ms of the pure-ASCII timestamp at bytes[start, end) for the common shapes
 * `YYYY-MM-DDTHH:MM:SSZ` and `YYYY-MM-DDTHH:MM:SS.sssZ`, or undefined for any other shape (the
 * caller then decodes the string and uses isoToEpoch). NaN when the validator would refuse it.
 * The calendar part (which days a month has, leap years) is left to Date.parse, once per hour
 * seen; minutes, seconds and milliseconds are added by hand, the same arithmetic Date.parse does.
 */
export function isoBytesToEpoch(buf: Uint8Array, start: number, end: number): number | undefined {
  const n = end - start;
  if (n !== 20 && n !== 24) return undefined;
  if (buf[start + 4] !== 0x2d || buf[start + 7] !== 0x2d || buf[start + 10] !== 0x54 || buf[start + 13] !== 0x3a || buf[start + 16] !== 0x3a || buf[end - 1] !== 0x5a) return undefined;
  if (n === 24 && buf[start + 19] !== 0x2e) return undefined;
  for (const k of n === 24 ? DIGITS_MS : DIGITS) {
    const c = buf[start + k]!;
    if (c < D0 || c > D0 + 9) return undefined;
  }
  // (no helper closure here: this runs once per metric)
  const year = (buf[start]! - D0) * 1000 + (buf[start + 1]! - D0) * 100 + (buf[start + 2]! - D0) * 10 + (buf[start + 3]! - D0);
  const month = (buf[start + 5]! - D0) * 10 + (buf[start + 6]! - D0);
  const day = (buf[start + 8]! - D0) * 10 + (buf[start + 9]! - D0);
  const hour = (buf[start + 11]! - D0) * 10 + (buf[start + 12]! - D0);
  const minute = (buf[start + 14]! - D0) * 10 + (buf[start + 15]! - D0);
  const second = (buf[start + 17]! - D0) * 10 + (buf[start + 18]! - D0);
  const ms = n === 24 ? (buf[start + 20]! - D0) * 100 + (buf[start + 21]! - D0) * 10 + (buf[start + 22]! - D0) : 0;
  // Hour 24 and days past the month's end (Date.parse rolls both over) are refused, like every out-of-range field.
  if (hour > 23 || minute > 59 || second > 59 || !isCalendarDay(year, month, day)) return undefined;
  const key = ((year * 100 + month) * 100 + day) * 100 + hour;
  let base = hourCache.get(key);
  if (base === undefined) {
    const ymdh = String.fromCharCode(...buf.subarray(start, start + 13));
    base = Date.parse(`${ymdh}:00:00Z`);
    if (hourCache.size >= 4096) hourCache.clear();
    hourCache.set(key, base);
  }
  const t = base + minute * 60_000 + second * 1000 + ms;
  return Number.isNaN(t) || t < 0 ? NaN : t;
}
