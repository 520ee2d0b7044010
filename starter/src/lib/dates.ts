// Level 0 · provided: read it, don't change it.
/**
 * Calendar checks Date.parse does not make: it rolls a day past the end of its month over
 * (2025-02-30 becomes March 2nd) and reads 24:00 as the next day's midnight. A timestamp is stored
 * as written or refused, so these are refused wherever the service reads a date.
 */

/** An ISO 8601 date-time with Z or an offset, the one shape the service takes. */
export const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
/** The largest time a JS Date can hold. */
export const MAX_TIME = 8.64e15;

/** Whether `day` exists in `month` (1-12) of `year` (proleptic Gregorian). */
export function isCalendarDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days;
}

/** For a string that starts `YYYY-MM-DDTHH`: its date exists and its hour is 0-23. */
export function isRealDateTime(s: string): boolean {
  return isCalendarDay(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10))) && Number(s.slice(11, 13)) <= 23;
}
