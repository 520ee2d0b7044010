// Level 0 · provided: read it, don't change it.
import { ParseError } from './errors.ts';

/**
 * The first parser MetricStream had, kept as phase 3's slow baseline.
 *
 * It is correct for any JSON text, and it is O(n^2) on purpose, in the most common accidental way:
 * to read the k-th element of an array (or the k-th member of an object) it walks from the opening
 * bracket over the k elements before it again. A batch of n metrics is therefore scanned about
 * n^2/2 times. Nothing looks wrong in a code review; a profile of a 1,000-metric batch does.
 *
 * Errors are `ParseError`s with the byte offset (UTF-8) of the offending character.
 */
export function parseNaive(text: string): unknown {
  const start = skipWs(text, 0);
  const { value, end } = readValue(text, start, 0);
  const after = skipWs(text, end);
  if (after !== text.length) fail(text, after, 'unexpected data after the JSON value');
  return value;
}

const MAX_DEPTH = 64;

interface Read {
  value: unknown;
  end: number;
}

function readValue(text: string, i: number, depth: number): Read {
  const c = text[i];
  // The container that would be one level too deep is refused at its own bracket (the root is level 1).
  if ((c === '{' || c === '[') && depth + 1 > MAX_DEPTH) fail(text, i, `nesting deeper than ${MAX_DEPTH} levels`);
  if (c === '{') return readObject(text, i, depth + 1);
  if (c === '[') return readArray(text, i, depth + 1);
  if (c === '"') return readString(text, i);
  if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return readNumber(text, i);
  for (const [word, value] of LITERALS) {
    if (text.startsWith(word, i)) return { value, end: i + word.length };
  }
  return fail(text, i, c === undefined ? 'unexpected end of input, expected a value' : `unexpected character ${JSON.stringify(c)}, expected a value`);
}

const LITERALS: ReadonlyArray<[string, unknown]> = [
  ['true', true],
  ['false', false],
  ['null', null],
];

function readArray(text: string, open: number, depth: number): Read {
  const values: unknown[] = [];
  for (let k = 0; ; k++) {
    // The quadratic step: find element k by walking over elements 0..k-1 from the bracket again.
    const at = elementStart(text, open, k);
    if (at === -1) return { value: values, end: skipKnownValue(text, open) };
    values.push(delimited(text, readValue(text, at, depth), ']').value);
  }
}

function readObject(text: string, open: number, depth: number): Read {
  const obj: Record<string, unknown> = {};
  for (let k = 0; ; k++) {
    const at = elementStart(text, open, k); // same re-scan, for members
    if (at === -1) return { value: obj, end: skipKnownValue(text, open) };
    const key = readString(text, at);
    const colon = skipWs(text, key.end);
    if (text[colon] !== ':') fail(text, colon, 'expected ":" after an object key');
    const value = delimited(text, readValue(text, skipWs(text, colon + 1), depth), '}').value;
    // A key named "__proto__" must become an own property, as with JSON.parse.
    Object.defineProperty(obj, key.value as string, { value, enumerable: true, writable: true, configurable: true });
  }
}

/**
 * An entry must end where the next "," or the closing bracket follows: `[truex]` and `[1_000]` are
 * not `[true]` and `[1]` (the re-scan that finds the next entry would skip the rest unseen).
 */
function delimited(text: string, read: Read, close: string): Read {
  const after = skipWs(text, read.end);
  if (text[after] !== ',' && text[after] !== close) fail(text, after, after >= text.length ? `unexpected end of input, expected "," or "${close}"` : `expected "," or "${close}"`);
  return read;
}

/**
 * Offset of the k-th element (array) or member (object) after the bracket at `open`, or -1 when
 * the container has fewer than k+1 entries. Walks from `open` every time: this is the O(n) inside the loop.
 */
function elementStart(text: string, open: number, k: number): number {
  const isObject = text[open] === '{';
  const close = isObject ? '}' : ']';
  let i = skipWs(text, open + 1);
  for (let n = 0; ; n++) {
    if (n === 0 && text[i] === close) return -1;
    if (isObject && text[i] !== '"') fail(text, i, i >= text.length ? 'unexpected end of input in an object' : 'expected a string key');
    if (n === k) return i;
    i = skipKnownEntry(text, i, isObject);
    i = skipWs(text, i);
    if (text[i] === ',') {
      i = skipWs(text, i + 1);
      continue;
    }
    if (text[i] === close) return -1;
    fail(text, i, i >= text.length ? `unexpected end of input, expected "," or "${close}"` : `expected "," or "${close}"`);
  }
}

/**
 * Skip an entry that was already read (and so is known to be valid JSON) without building anything:
 * a bracket-matching scan, like a `find()` for the end of the element.
 */
function skipKnownEntry(text: string, i: number, isObject: boolean): number {
  if (isObject) i = skipWs(text, skipWs(text, stringEnd(text, i)) + 1); // key, ':'
  return skipKnownValue(text, i);
}

function skipKnownValue(text: string, i: number): number {
  const first = text.charCodeAt(i);
  if (first === QUOTE) return stringEnd(text, i);
  if (first !== LBRACE && first !== LBRACKET) {
    while (i < text.length && !SCALAR_END.has(text.charCodeAt(i))) i++;
    return i;
  }
  let depth = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i);
      continue;
    }
    if (c === LBRACE || c === LBRACKET) depth++;
    else if (c === RBRACE || c === RBRACKET) depth--;
    i++;
    if (depth === 0) return i;
  }
  return i;
}

/** Offset just after the closing quote of the string starting at `open`. */
function stringEnd(text: string, open: number): number {
  let i = open + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i += 2;
    else if (c === QUOTE) return i + 1;
    else i++;
  }
  return i;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const SCALAR_END = new Set([0x2c, 0x5d, 0x7d, 0x20, 0x0a, 0x0d, 0x09]);

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function readString(text: string, open: number): Read {
  let out = '';
  let i = open + 1;
  for (;;) {
    // indexOf finds the next quote; a backslash before it starts an escape.
    const quote = text.indexOf('"', i);
    if (quote === -1) fail(text, text.length, 'unterminated string');
    const slash = text.slice(i, quote).indexOf('\\');
    const stop = slash === -1 ? quote : i + slash;
    const run = text.slice(i, stop);
    const ctrl = run.search(/[\u0000-\u001f]/);
    if (ctrl !== -1) fail(text, i + ctrl, 'control character in a string must be escaped');
    out += run;
    if (stop === quote) return { value: out, end: quote + 1 };
    const e = text[stop + 1];
    if (e === 'u') {
      const hex = text.slice(stop + 2, stop + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail(text, stop, 'invalid \\u escape, expected 4 hex digits');
      out += String.fromCharCode(parseInt(hex, 16)); // surrogate pairs combine as two code units
      i = stop + 6;
    } else if (e !== undefined && e in ESCAPES) {
      out += ESCAPES[e];
      i = stop + 2;
    } else {
      fail(text, stop, e === undefined ? 'unterminated string' : `invalid escape "\\${e}"`);
    }
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

function readNumber(text: string, i: number): Read {
  NUMBER.lastIndex = i;
  const m = NUMBER.exec(text);
  if (!m) return fail(text, i, 'invalid number');
  const end = i + m[0].length;
  const next = text[end];
  if (next !== undefined && /[0-9.eE+\-]/.test(next)) fail(text, end, 'invalid number');
  return { value: Number(m[0]), end };
}

function skipWs(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/** Throw with the UTF-8 byte offset of character index `i`. */
function fail(text: string, i: number, reason: string): never {
  throw new ParseError(Buffer.byteLength(text.slice(0, Math.min(i, text.length)), 'utf8'), reason);
}
