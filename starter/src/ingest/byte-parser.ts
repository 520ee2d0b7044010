// Level 7 · provided: read it, don't change it.
import { asBuffer, FNV_SEED, fnv, internAscii, latin1, utf8 } from './byte-strings.ts';
import { ParseError, ValidationError } from './errors.ts';
import type { IngestContext, Metric } from './metric.ts';
import {
  BYTE_CLASS, isoBytesToEpoch, isoToEpoch, KEY_CHAR, KEY_START, MAX_TAG_VALUE, MAX_TAGS, MAX_TIME, NAME_CHAR, NAME_START,
  MAX_NAME, nameProblem, REASONS, TAG_KEY,
} from './metric-rules.ts';
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from './parse-limits.ts';

/**
 * The finished service's parse + validate in one pass over the request bytes: what
 * `validatePayload(parseFast(body.toString()))` returns or throws, without decoding the body to a
 * string and without building the intermediate JSON value.
 *
 * - Same language as parseFast (RFC 8259, whitespace, escapes, depth and size limits) and the same
 *   ParseError: the byte position of the first byte that cannot continue a valid payload, and the
 *   same reason. Positions count raw bytes (parseFast counts the bytes of the decoded text: the two
 *   differ only after invalid UTF-8, which the decoder turns into 3-byte U+FFFD).
 * - Same validation and the same ValidationError (field + reason) as validatePayload, and the same
 *   precedence: a syntax error anywhere wins over a validation error, the first bad metric is the
 *   one named, and duplicate keys behave as in JSON.parse (the last one wins, the validator sees
 *   only it; tags keep JSON.parse's key order).
 * - Fast paths: known keys compared as bytes; ASCII names, tag keys and values interned by their
 *   bytes; short integers and decimals converted by hand (exactly: at most 15 digits divided by an
 *   exact power of ten), everything else by Number() on the digits; `…T13:45:23.123Z` timestamps
 *   by hand from a per-hour Date.parse. Escapes and non-ASCII take a slower, general path.
 */
export function parseMetricBytes(body: Uint8Array, ctx: IngestContext, limits: ParseLimits = DEFAULT_PARSE_LIMITS): Metric[] {
  if (body.length > limits.maxBytes) throw new ParseError(limits.maxBytes, `payload larger than ${limits.maxBytes} bytes`);
  return new ByteParser(asBuffer(body), limits.maxDepth, ctx).payload();
}

const SPACE = 0x20, TAB = 0x09, LF = 0x0a, CR = 0x0d;
const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, COLON = 0x3a;
const LBRACE = 0x7b, RBRACE = 0x7d, LBRACKET = 0x5b, RBRACKET = 0x5d;
const MINUS = 0x2d, PLUS = 0x2b, DOT = 0x2e, ZERO = 0x30, NINE = 0x39;

/** Exact powers of ten (every one up to 1e22 is a double without rounding). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** Keys the parser acts on; every other key is skipped. */
const enum Key { Other, Metrics, Name, Value, Timestamp, Tags }
const KEYS = new Map<string, Key>([['metrics', Key.Metrics], ['name', Key.Name], ['value', Key.Value], ['timestamp', Key.Timestamp], ['tags', Key.Tags]]);
/** Each known key's bytes, indexed by Key. */
const KEY_BYTES: Uint8Array[] = [];
for (const [word, k] of KEYS) KEY_BYTES[k] = Buffer.from(word);

/** What a metric's field held, decided while parsing and judged at the metric's closing brace. */
const enum Field { Absent, Ok, NeedsCheck, WrongType, BadNumber, BadString }

/** A tag value that is not a string (only ever seen by the final check, which refuses it). */
const NOT_A_STRING: unique symbol = Symbol('not a string');
type TagDraft = Record<string, string | typeof NOT_A_STRING>;

/**
 * Tags objects by their exact bytes: a source sends the same few tag sets over and over, so equal
 * tags become one frozen object. Whoever keys on the tags (the store's series key, the log's line)
 * can then cache by object instead of re-deriving from the entries for every metric.
 */
const TAGS_BY_BYTES = new Map<string, TagDraft>();
const TAGS_CACHE_MAX = 4_096;
const TAGS_CACHE_MAX_BYTES = 256;

function sharedTags(buf: Buffer, from: number, to: number, parsed: TagDraft): TagDraft {
  if (to - from > TAGS_CACHE_MAX_BYTES) return parsed;
  const bytes = latin1(buf, from, to); // one char per byte: equal strings are equal bytes
  const known = TAGS_BY_BYTES.get(bytes);
  if (known !== undefined) return known;
  if (TAGS_BY_BYTES.size >= TAGS_CACHE_MAX) TAGS_BY_BYTES.clear();
  TAGS_BY_BYTES.set(bytes, Object.freeze(parsed));
  return parsed;
}

/** What `scanString` found in the last string: plain ASCII, escapes, or raw non-ASCII bytes. */
const enum Scan { Plain, Escaped, NonAscii }

class ByteParser {
  pos = 0;
  readonly len: number;
  /** The first validation problem of the payload's current `metrics` value (a later `metrics` key replaces it). */
  problem: ValidationError | undefined = undefined;
  /** Set by scanString: where the string's content ends (the closing quote), its kind and hash. */
  end = 0;
  kind = Scan.Plain;
  hash = 0;

  constructor(
    readonly buf: Buffer,
    readonly maxDepth: number,
    readonly ctx: IngestContext,
  ) {
    this.len = buf.length;
  }

  // ---- errors ----

  fail(at: number, expected: string): never {
    const reason = at >= this.len ? `unexpected end of input, expected ${expected}` : `expected ${expected}`;
    throw new ParseError(at, reason);
  }

  enter(depth: number): void {
    if (depth > this.maxDepth) throw new ParseError(this.pos, `nesting deeper than ${this.maxDepth} levels`);
    this.pos++;
    this.ws();
  }

  ws(): void {
    const buf = this.buf;
    let i = this.pos;
    let c = buf[i];
    while (c === SPACE || c === LF || c === CR || c === TAB) c = buf[++i];
    this.pos = i;
  }

  /** After a member's value: ',' (then whitespace) returns true, the closing bracket false. */
  next(close: number): boolean {
    this.ws();
    const c = this.buf[this.pos];
    if (c === COMMA) {
      this.pos++;
      this.ws();
      return true;
    }
    if (c === close) {
      this.pos++;
      return false;
    }
    return this.fail(this.pos, close === RBRACE ? "',' or '}'" : "',' or ']'");
  }

  /** At a key's opening quote (or not, then it fails): reads the key and its ':'. */
  key(): Key {
    if (this.buf[this.pos] !== QUOTE) this.fail(this.pos, 'a string key');
    const k = this.knownKey();
    this.ws();
    if (this.buf[this.pos] !== COLON) this.fail(this.pos, "':' after a key");
    this.pos++;
    this.ws();
    return k;
  }

  /** Which known key starts here; the common case compares bytes and creates no string. */
  knownKey(): Key {
    const buf = this.buf;
    const start = this.pos + 1;
    const c = buf[start];
    // Candidates by first byte ("tags" and "timestamp" both start with t: the length decides).
    const k = c === 0x6e ? Key.Name : c === 0x76 ? Key.Value : c === 0x6d ? Key.Metrics : c === 0x74 ? (buf[start + 4] === QUOTE ? Key.Tags : Key.Timestamp) : Key.Other;
    if (k !== Key.Other) {
      const word = KEY_BYTES[k]!;
      const n = word.length;
      let j = 1;
      while (j < n && buf[start + j] === word[j]) j++;
      if (j === n && buf[start + n] === QUOTE) {
        this.pos = start + n + 1;
        return k;
      }
    }
    this.scanString();
    if (this.kind === Scan.Plain) {
      this.pos = this.end + 1;
      return Key.Other; // a plain key that is none of the known words
    }
    return KEYS.get(this.stringAfterScan()) ?? Key.Other; // e.g. "na\u006de"
  }

  // ---- the payload's structure ----

  payload(): Metric[] {
    this.ws();
    let metrics: Metric[] | undefined;
    if (this.buf[this.pos] === LBRACE) {
      metrics = this.root();
    } else {
      this.skipValue(1);
      this.problem = new ValidationError('body', REASONS.body);
    }
    this.ws();
    if (this.pos < this.len) this.fail(this.pos, 'the end of the payload');
    if (this.problem !== undefined) throw this.problem;
    return metrics!;
  }

  root(): Metric[] | undefined {
    this.enter(1);
    let metrics: Metric[] | undefined;
    let seen = false;
    if (this.buf[this.pos] === RBRACE) {
      this.pos++;
    } else {
      do {
        if (this.key() === Key.Metrics) {
          seen = true;
          this.problem = undefined; // the last "metrics" wins, as in JSON.parse
          metrics = this.metrics(2);
        } else {
          this.skipValue(2);
        }
      } while (this.next(RBRACE));
    }
    if (!seen) this.problem = new ValidationError('metrics', REASONS.metricsArray);
    return metrics;
  }

  metrics(depth: number): Metric[] | undefined {
    if (this.buf[this.pos] !== LBRACKET) {
      this.skipValue(depth);
      this.problem = new ValidationError('metrics', REASONS.metricsArray);
      return undefined;
    }
    this.enter(depth);
    if (this.buf[this.pos] === RBRACKET) {
      this.pos++;
      this.problem = new ValidationError('metrics', REASONS.metricsEmpty);
      return undefined;
    }
    const out: Metric[] = [];
    let i = 0;
    do {
      if (this.problem !== undefined) {
        this.skipValue(depth + 1); // only the syntax still matters
      } else if (this.buf[this.pos] === LBRACE) {
        const m = this.metric(depth + 1, i);
        if (m !== undefined) out.push(m);
      } else {
        this.skipValue(depth + 1);
        this.problem = new ValidationError(`metrics[${i}]`, REASONS.metric);
      }
      i++;
    } while (this.next(RBRACKET));
    return this.problem === undefined ? out : undefined;
  }

  /** One metric object; a refused one sets `problem` and returns undefined. */
  metric(depth: number, index: number): Metric | undefined {
    this.enter(depth);
    const buf = this.buf;
    let name = '';
    let nameState = Field.Absent;
    let value = 0;
    let valueState = Field.Absent;
    let timestamp = 0;
    let timestampState = Field.Absent;
    let tags: TagDraft | undefined;
    let tagsState = Field.Absent;
    if (buf[this.pos] === RBRACE) {
      this.pos++;
    } else {
      do {
        switch (this.key()) {
          case Key.Name:
            if (buf[this.pos] === QUOTE) {
              nameState = this.nameString() ? Field.Ok : Field.NeedsCheck;
              name = this.lastString;
            } else {
              this.skipValue(depth + 1);
              nameState = Field.WrongType;
            }
            break;
          case Key.Value: {
            const c = buf[this.pos]!;
            if (c === MINUS || (c >= ZERO && c <= NINE)) {
              value = this.number();
              valueState = Number.isFinite(value) ? Field.Ok : Field.WrongType;
            } else {
              this.skipValue(depth + 1);
              valueState = Field.WrongType;
            }
            break;
          }
          case Key.Timestamp: {
            const c = buf[this.pos]!;
            if (c === MINUS || (c >= ZERO && c <= NINE)) {
              timestamp = this.number();
              timestampState = Number.isInteger(timestamp) && timestamp >= 0 && timestamp <= MAX_TIME ? Field.Ok : Field.BadNumber;
            } else if (c === QUOTE) {
              timestamp = this.timestampString();
              timestampState = Number.isNaN(timestamp) ? Field.BadString : Field.Ok;
            } else {
              this.skipValue(depth + 1);
              timestampState = Field.WrongType;
            }
            break;
          }
          case Key.Tags:
            if (buf[this.pos] === LBRACE) {
              const from = this.pos;
              tags = this.tags(depth + 1);
              tagsState = this.tagsRegular ? Field.Ok : Field.NeedsCheck;
              if (tagsState === Field.Ok) tags = sharedTags(buf, from, this.pos, tags);
            } else {
              this.skipValue(depth + 1);
              tagsState = Field.WrongType;
            }
            break;
          default:
            this.skipValue(depth + 1);
        }
      } while (this.next(RBRACE));
    }

    // The common case: every field fine (an absent timestamp or tags is fine too: Absent < Ok).
    if (nameState === Field.Ok && valueState === Field.Ok && timestampState <= Field.Ok && tagsState <= Field.Ok) {
      if (timestampState === Field.Absent) timestamp = this.ctx.now;
      return { name, value, timestamp, tags: (tags ?? {}) as Record<string, string>, client: this.ctx.client };
    }
    this.problem = metricProblem(`metrics[${index}]`, nameState, name, valueState, timestampState, tagsState, tags);
    if (this.problem !== undefined) return undefined;
    return { name, value, timestamp: timestampState === Field.Absent ? this.ctx.now : timestamp, tags: (tags ?? {}) as Record<string, string>, client: this.ctx.client };
  }

  /** Set by `tags`: every entry was a valid key with a short string value and there were few enough. */
  tagsRegular = true;

  /** A tags object, built as JSON.parse would build it (last duplicate wins, own `__proto__`). */
  tags(depth: number): TagDraft {
    this.enter(depth);
    const buf = this.buf;
    const out: TagDraft = {};
    let regular = true;
    let count = 0;
    if (buf[this.pos] === RBRACE) {
      this.pos++;
    } else {
      do {
        if (buf[this.pos] !== QUOTE) this.fail(this.pos, 'a string key');
        if (!this.tagKeyString()) regular = false;
        const key = this.lastString;
        this.ws();
        if (buf[this.pos] !== COLON) this.fail(this.pos, "':' after a key");
        this.pos++;
        this.ws();
        let v: string | typeof NOT_A_STRING;
        if (buf[this.pos] === QUOTE) {
          v = this.string();
          if (v.length > MAX_TAG_VALUE) regular = false;
        } else {
          this.skipValue(depth + 1);
          v = NOT_A_STRING;
          regular = false;
        }
        if (key === '__proto__') Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
        else out[key] = v;
        count++;
      } while (this.next(RBRACE));
    }
    // A duplicate key counts twice here; the exact check below counts the final keys.
    this.tagsRegular = regular && count <= MAX_TAGS;
    return out;
  }

  // ---- strings ----

  /** The last string read by nameString / tagKeyString. */
  lastString = '';

  /**
   * At the opening quote: scan to the closing quote, checking control characters and escapes,
   * noting whether the content is plain ASCII (no escape) and folding it into `hash`.
   */
  scanString(): void {
    const buf = this.buf;
    let i = this.pos + 1;
    let h = FNV_SEED;
    let kind = Scan.Plain;
    for (;;) {
      const c = buf[i];
      if (c === QUOTE) break;
      if (c === undefined) this.fail(i, "'\"' to close the string");
      if (c === BACKSLASH) {
        kind = Scan.Escaped;
        i = this.skipEscape(i + 1);
        continue;
      }
      if (c < SPACE) this.fail(i, 'a control character to be escaped');
      if (c >= 0x80 && kind === Scan.Plain) kind = Scan.NonAscii;
      h = fnv(h, c);
      i++;
    }
    this.end = i;
    this.kind = kind;
    this.hash = h;
  }

  /** After scanString: the string's value, and the cursor past its closing quote. */
  stringAfterScan(): string {
    const start = this.pos + 1;
    const end = this.end;
    this.pos = end + 1;
    if (this.kind === Scan.Plain) return internAscii(this.buf, start, end, this.hash);
    if (this.kind === Scan.NonAscii) return utf8(this.buf, start, end);
    return this.unescape(start, end);
  }

  string(): string {
    this.scanString();
    return this.stringAfterScan();
  }

  /**
   * A metric name into `lastString`; true when its bytes already satisfy the name rule (so the
   * string needs no further check), false when nameProblem must judge the decoded string.
   */
  nameString(): boolean {
    if (this.plainString(NAME_START, NAME_CHAR, MAX_NAME)) return true;
    this.lastString = this.string();
    return false;
  }

  /** A tag key into `lastString`; true when it satisfies the tag key rule. */
  tagKeyString(): boolean {
    if (this.plainString(KEY_START, KEY_CHAR, Number.MAX_SAFE_INTEGER)) return true;
    this.lastString = this.string();
    return TAG_KEY.test(this.lastString);
  }

  /**
   * The fast path of a rule-bound string: when its first byte is of class `first`, the rest of class
   * `rest` up to the closing quote, and it is at most `maxLength` bytes, it becomes `lastString`
   * (interned) and the cursor moves past it. Otherwise nothing moves: the caller takes the general path.
   */
  plainString(first: number, rest: number, maxLength: number): boolean {
    const buf = this.buf;
    const start = this.pos + 1;
    let i = start;
    let h = FNV_SEED;
    let c = buf[i]!;
    if (!(BYTE_CLASS[c]! & first)) return false;
    do {
      h = fnv(h, c);
      c = buf[++i]!;
    } while (BYTE_CLASS[c]! & rest);
    if (c !== QUOTE || i - start > maxLength) return false;
    this.pos = i + 1;
    this.lastString = internAscii(buf, start, i, h);
    return true;
  }

  /** A timestamp string as epoch ms, NaN when the validator would refuse it. */
  timestampString(): number {
    this.scanString();
    if (this.kind === Scan.Plain) {
      const t = isoBytesToEpoch(this.buf, this.pos + 1, this.end);
      if (t !== undefined) {
        this.pos = this.end + 1;
        return t;
      }
    }
    return isoToEpoch(this.stringAfterScan());
  }

  /** At the char after a backslash (already checked by skipEscape): index after the escape. */
  skipEscape(i: number): number {
    const c = this.buf[i];
    if (c === QUOTE || c === BACKSLASH || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74) return i + 1;
    if (c === 0x75) {
      for (let k = 1; k <= 4; k++) if (hexValue(this.buf[i + k]) < 0) this.fail(i + k, 'a hex digit in a \\u escape');
      return i + 5;
    }
    return this.fail(i, 'an escape: one of " \\ / b f n r t u');
  }

  /** The slow path: content with escapes (already validated by scanString), decoded piece by piece. */
  unescape(start: number, end: number): string {
    const buf = this.buf;
    let out = '';
    let run = start;
    let i = start;
    while (i < end) {
      if (buf[i] !== BACKSLASH) {
        i++;
        continue;
      }
      if (run < i) out += utf8(buf, run, i);
      const c = buf[i + 1]!;
      if (c === 0x75) {
        out += String.fromCharCode((hexValue(buf[i + 2]) << 12) | (hexValue(buf[i + 3]) << 8) | (hexValue(buf[i + 4]) << 4) | hexValue(buf[i + 5]));
        i += 6;
      } else {
        out += ESCAPED[c]!;
        i += 2;
      }
      run = i;
    }
    if (run < end) out += utf8(buf, run, end);
    return out;
  }

  // ---- numbers and skipped values ----

  /** JSON numbers: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? as the same double as JSON.parse. */
  number(): number {
    const buf = this.buf;
    const start = this.pos;
    let i = start;
    const negative = buf[i] === MINUS;
    if (negative) i++;
    let c = buf[i]!;
    let n = 0;
    let digits = 0;
    if (c === ZERO) {
      c = buf[++i]!;
      digits = 1;
    } else if (c >= ZERO && c <= NINE) {
      do {
        n = n * 10 + (c - ZERO);
        digits++;
        c = buf[++i]!;
      } while (c >= ZERO && c <= NINE);
    } else {
      this.fail(i, 'a digit');
    }
    let fraction = 0;
    if (c === DOT) {
      c = buf[++i]!;
      if (!(c >= ZERO && c <= NINE)) this.fail(i, 'a digit after the decimal point');
      do {
        n = n * 10 + (c - ZERO);
        fraction++;
        c = buf[++i]!;
      } while (c >= ZERO && c <= NINE);
    }
    let exponent = false;
    if (c === 0x65 || c === 0x45) {
      exponent = true;
      c = buf[++i]!;
      if (c === PLUS || c === MINUS) c = buf[++i]!;
      if (!(c >= ZERO && c <= NINE)) this.fail(i, 'a digit in the exponent');
      do c = buf[++i]!;
      while (c >= ZERO && c <= NINE);
    }
    this.pos = i;
    // Up to 15 digits n is exact, and n / 10^k is then one correctly rounded division, the same
    // double as the decimal text; anything longer or with an exponent: Number() on the digits.
    if (!exponent && digits + fraction <= 15) {
      const v = fraction === 0 ? n : n / POW10[fraction]!;
      return negative ? -v : v;
    }
    return Number(latin1(buf, start, i));
  }

  /** Check any value's syntax (and the depth limit) without building it. */
  skipValue(depth: number): void {
    const buf = this.buf;
    const c = buf[this.pos];
    if (c === LBRACE) {
      this.enter(depth);
      if (buf[this.pos] === RBRACE) {
        this.pos++;
        return;
      }
      do {
        if (buf[this.pos] !== QUOTE) this.fail(this.pos, 'a string key');
        this.scanString();
        this.pos = this.end + 1;
        this.ws();
        if (buf[this.pos] !== COLON) this.fail(this.pos, "':' after a key");
        this.pos++;
        this.ws();
        this.skipValue(depth + 1);
      } while (this.next(RBRACE));
    } else if (c === LBRACKET) {
      this.enter(depth);
      if (buf[this.pos] === RBRACKET) {
        this.pos++;
        return;
      }
      do this.skipValue(depth + 1);
      while (this.next(RBRACKET));
    } else if (c === QUOTE) {
      this.scanString();
      this.pos = this.end + 1;
    } else if (c === MINUS || (c !== undefined && c >= ZERO && c <= NINE)) {
      this.number();
    } else if (c === 0x74) {
      this.literal(TRUE);
    } else if (c === 0x66) {
      this.literal(FALSE);
    } else if (c === 0x6e) {
      this.literal(NULL);
    } else {
      this.fail(this.pos, 'a value');
    }
  }

  literal(word: { bytes: Uint8Array; text: string }): void {
    for (let k = 0; k < word.bytes.length; k++) {
      if (this.buf[this.pos + k] !== word.bytes[k]) this.fail(this.pos + k, `'${word.text}'`);
    }
    this.pos += word.bytes.length;
  }
}

const TRUE = { bytes: Buffer.from('true'), text: 'true' };
const FALSE = { bytes: Buffer.from('false'), text: 'false' };
const NULL = { bytes: Buffer.from('null'), text: 'null' };

/** The character of each one-letter escape, by the byte after the backslash. */
const ESCAPED: Record<number, string> = { 0x22: '"', 0x5c: '\\', 0x2f: '/', 0x62: '\b', 0x66: '\f', 0x6e: '\n', 0x72: '\r', 0x74: '\t' };

function hexValue(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= ZERO && c <= NINE) return c - ZERO;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** validatePayload's tag rules over the final entries (JSON.parse's key order, duplicates merged). */
function tagProblem(tags: TagDraft, field: string): ValidationError | undefined {
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS) return new ValidationError(field, REASONS.tagCount);
  for (const [key, value] of entries) {
    if (!TAG_KEY.test(key)) return new ValidationError(`${field}.${key}`, REASONS.tagKey);
    if (typeof value !== 'string') return new ValidationError(`${field}.${key}`, REASONS.tagValueType);
    if (value.length > MAX_TAG_VALUE) return new ValidationError(`${field}.${key}`, REASONS.tagValueLength);
  }
  return undefined;
}

/**
 * The slow end of a metric: some field was absent, of a wrong type or needs a closer look. Judged
 * in validatePayload's order (name, value, timestamp, tags); undefined when it passes after all.
 */
function metricProblem(at: string, nameState: Field, name: string, valueState: Field, timestampState: Field, tagsState: Field, tags: TagDraft | undefined): ValidationError | undefined {
  if (nameState !== Field.Ok) {
    const why = nameState === Field.Absent ? REASONS.required : nameState === Field.WrongType ? REASONS.nameType : nameProblem(name);
    if (why !== undefined) return new ValidationError(`${at}.name`, why);
  }
  if (valueState !== Field.Ok) return new ValidationError(`${at}.value`, valueState === Field.Absent ? REASONS.required : REASONS.value);
  if (timestampState === Field.BadNumber) return new ValidationError(`${at}.timestamp`, REASONS.timestampNumber);
  if (timestampState === Field.BadString) return new ValidationError(`${at}.timestamp`, REASONS.timestampString);
  if (timestampState === Field.WrongType) return new ValidationError(`${at}.timestamp`, REASONS.timestampType);
  if (tagsState === Field.WrongType) return new ValidationError(`${at}.tags`, REASONS.tags);
  if (tagsState === Field.NeedsCheck) return tagProblem(tags!, `${at}.tags`);
  return undefined;
}
