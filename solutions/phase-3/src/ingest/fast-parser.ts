// Level 3 · exercise of phase 3: yours to write on its branch; later branches hold the reference.
/**
 * Phase 3: the single-pass parser that replaces the naive one (naive-parser.ts) from level 3 on.
 * Grammar: RFC 8259 JSON. Result: what `JSON.parse(text)` returns, except that unknown fields of
 * the root object and of each metric object are skipped (checked for syntax, never built).
 * validatePayload() then turns the result into Metric objects, exactly as before.
 */

import { ParseError } from './errors.ts';
import { DEFAULT_PARSE_LIMITS, byteOffset, type ParseLimits } from './parse-limits.ts';

/** What the parser keeps of a value: the payload root keeps `metrics`, a metric its four fields. */
const ROOT = 0;
const METRICS = 1;
const METRIC = 2;
/** Kept whole (tags, the fields' values, a payload of an unexpected shape for the validator to name). */
const ANY = 3;
/** Checked for syntax, then dropped: unknown fields and everything inside them. */
const SKIP = 4;
type Shape = typeof ROOT | typeof METRICS | typeof METRIC | typeof ANY | typeof SKIP;

const METRIC_FIELDS = new Set(['name', 'value', 'timestamp', 'tags']);

const SPACE = 0x20, TAB = 0x09, LF = 0x0a, CR = 0x0d;
const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, COLON = 0x3a;
const LBRACE = 0x7b, RBRACE = 0x7d, LBRACKET = 0x5b, RBRACKET = 0x5d;
const MINUS = 0x2d, PLUS = 0x2b, DOT = 0x2e, ZERO = 0x30, NINE = 0x39;

const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;

class Cursor {
  pos = 0;
  readonly len: number;

  constructor(
    readonly text: string,
    readonly limits: ParseLimits,
  ) {
    this.len = text.length;
  }

  /** Throw at character index `at`; the error names the byte offset, computed only now. */
  fail(at: number, expected: string): never {
    const reason = at >= this.len ? `unexpected end of input, expected ${expected}` : `expected ${expected}`;
    throw new ParseError(byteOffset(this.text, at), reason);
  }

  skipWhitespace(): void {
    let c = this.text.charCodeAt(this.pos);
    while (c === SPACE || c === LF || c === CR || c === TAB) c = this.text.charCodeAt(++this.pos);
  }

  value(shape: Shape, depth: number): unknown {
    const c = this.text.charCodeAt(this.pos);
    if (c === LBRACE) return this.object(shape, depth);
    if (c === LBRACKET) return this.array(shape, depth);
    if (c === QUOTE) return this.string();
    if (c === MINUS || isDigit(c)) return this.number(shape !== SKIP);
    if (c === 0x74) return this.literal('true', true);
    if (c === 0x66) return this.literal('false', false);
    if (c === 0x6e) return this.literal('null', null);
    return this.fail(this.pos, 'a value');
  }

  enter(depth: number): void {
    if (depth > this.limits.maxDepth) {
      throw new ParseError(byteOffset(this.text, this.pos), `nesting deeper than ${this.limits.maxDepth} levels`);
    }
    this.pos++;
    this.skipWhitespace();
  }

  object(shape: Shape, depth: number): Record<string, unknown> | undefined {
    this.enter(depth);
    const out: Record<string, unknown> | undefined = shape === SKIP ? undefined : {};
    if (this.text.charCodeAt(this.pos) === RBRACE) {
      this.pos++;
      return out;
    }
    for (;;) {
      if (this.text.charCodeAt(this.pos) !== QUOTE) this.fail(this.pos, 'a string key');
      const key = this.string();
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== COLON) this.fail(this.pos, "':' after a key");
      this.pos++;
      this.skipWhitespace();
      const child = fieldShape(shape, key);
      const v = this.value(child, depth + 1);
      // Duplicate keys: the last one wins, as with JSON.parse.
      if (out !== undefined && child !== SKIP) setOwn(out, key, v);
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos);
      if (c === COMMA) {
        this.pos++;
        this.skipWhitespace();
      } else if (c === RBRACE) {
        this.pos++;
        return out;
      } else {
        this.fail(this.pos, "',' or '}'");
      }
    }
  }

  array(shape: Shape, depth: number): unknown[] | undefined {
    this.enter(depth);
    const out: unknown[] | undefined = shape === SKIP ? undefined : [];
    const child: Shape = shape === SKIP ? SKIP : shape === METRICS ? METRIC : ANY;
    if (this.text.charCodeAt(this.pos) === RBRACKET) {
      this.pos++;
      return out;
    }
    for (;;) {
      const v = this.value(child, depth + 1);
      if (out !== undefined) out.push(v);
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos);
      if (c === COMMA) {
        this.pos++;
        this.skipWhitespace();
      } else if (c === RBRACKET) {
        this.pos++;
        return out;
      } else {
        this.fail(this.pos, "',' or ']'");
      }
    }
  }

  /** At the opening quote. Runs without escapes are copied with one slice each. */
  string(): string {
    const text = this.text;
    let i = this.pos + 1;
    let start = i;
    let out = '';
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        this.pos = i + 1;
        return start === i ? out : out + text.slice(start, i);
      }
      if (c === BACKSLASH) {
        out += text.slice(start, i);
        i = this.escape(i + 1);
        out += this.decoded;
        start = i;
      } else if (c >= SPACE) {
        i++;
      } else {
        // A raw control character, or the end of input (charCodeAt past the end is NaN).
        this.fail(i, i >= this.len ? "'\"' to close the string" : 'a control character to be escaped');
      }
    }
  }

  /** The text of the last escape read by `escape`. */
  decoded = '';

  /** At the character after a backslash; returns the index after the escape. */
  escape(i: number): number {
    const c = this.text.charCodeAt(i);
    switch (c) {
      case QUOTE: this.decoded = '"'; return i + 1;
      case BACKSLASH: this.decoded = '\\'; return i + 1;
      case 0x2f: this.decoded = '/'; return i + 1;
      case 0x62: this.decoded = '\b'; return i + 1;
      case 0x66: this.decoded = '\f'; return i + 1;
      case 0x6e: this.decoded = '\n'; return i + 1;
      case 0x72: this.decoded = '\r'; return i + 1;
      case 0x74: this.decoded = '\t'; return i + 1;
      case 0x75: {
        // \uXXXX is one UTF-16 code unit; a surrogate pair is simply two escapes in a row, and a
        // lone surrogate is kept as it is, exactly like JSON.parse does.
        let unit = 0;
        for (let k = 1; k <= 4; k++) {
          const h = hexValue(this.text.charCodeAt(i + k));
          if (h < 0) this.fail(i + k, 'a hex digit in a \\u escape');
          unit = unit * 16 + h;
        }
        this.decoded = String.fromCharCode(unit);
        return i + 5;
      }
      default:
        return this.fail(i, 'an escape: one of " \\ / b f n r t u');
    }
  }

  /** JSON numbers: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
  number(keep: boolean): number | undefined {
    const text = this.text;
    const start = this.pos;
    let i = start;
    const negative = text.charCodeAt(i) === MINUS;
    if (negative) i++;
    let c = text.charCodeAt(i);
    let n = 0;
    if (c === ZERO) {
      c = text.charCodeAt(++i);
    } else if (isDigit(c)) {
      do {
        n = n * 10 + (c - ZERO);
        c = text.charCodeAt(++i);
      } while (isDigit(c));
    } else {
      this.fail(i, 'a digit');
    }
    let simple = true;
    if (c === DOT) {
      simple = false;
      c = text.charCodeAt(++i);
      if (!isDigit(c)) this.fail(i, 'a digit after the decimal point');
      while (isDigit(c)) c = text.charCodeAt(++i);
    }
    if (c === 0x65 || c === 0x45) {
      simple = false;
      c = text.charCodeAt(++i);
      if (c === PLUS || c === MINUS) c = text.charCodeAt(++i);
      if (!isDigit(c)) this.fail(i, 'a digit in the exponent');
      while (isDigit(c)) c = text.charCodeAt(++i);
    }
    this.pos = i;
    if (!keep) return undefined;
    // Up to 15 digits the integer above is exact; anything else gets the correctly rounded conversion.
    if (simple && i - start <= 15) return negative ? -n : n;
    return Number(text.slice(start, i));
  }

  literal<T>(word: string, result: T): T {
    for (let k = 0; k < word.length; k++) {
      if (this.text.charCodeAt(this.pos + k) !== word.charCodeAt(k)) this.fail(this.pos + k, `'${word}'`);
    }
    this.pos += word.length;
    return result;
  }
}

function fieldShape(parent: Shape, key: string): Shape {
  if (parent === ROOT) return key === 'metrics' ? METRICS : SKIP;
  if (parent === METRIC) return METRIC_FIELDS.has(key) ? ANY : SKIP;
  return parent === SKIP ? SKIP : ANY;
}

/** `obj[key] = v`, except that a `__proto__` key becomes an own property (as in JSON.parse), not a prototype. */
function setOwn(obj: Record<string, unknown>, key: string, v: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value: v, writable: true, enumerable: true, configurable: true });
  else obj[key] = v;
}

function hexValue(c: number): number {
  if (c >= ZERO && c <= NINE) return c - ZERO;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/**
 * Parse a metrics payload (`{"metrics":[{"name":…,"value":…,"timestamp":…,"tags":{…}}]}`) in one pass.
 * Returns what JSON.parse would, minus unknown fields of the root and of each metric; the validator
 * then turns it into Metric objects. Throws ParseError(byte offset, reason) on malformed input.
 */
export function parseFast(text: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): unknown {
  // Reference solution of phase 3: one pass over the text, one character decides the next state,
  // nothing before the cursor is ever looked at again (see docs/phase-3-json-parser.md).
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) throw new ParseError(limits.maxBytes, `payload larger than ${limits.maxBytes} bytes`);
  const cursor = new Cursor(text, limits);
  cursor.skipWhitespace();
  const payload = cursor.value(ROOT, 1);
  cursor.skipWhitespace();
  if (cursor.pos < cursor.len) cursor.fail(cursor.pos, 'the end of the payload');
  return payload;
}
