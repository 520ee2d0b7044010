import { beforeAll, describe, expect, it } from 'vitest';
import { PayloadGen } from '../grader/tests/phase-3/support/gen-payload.ts';
import { rng, SEED } from '../grader/src/harness/random.ts';
import { metricsPayload } from '../grader/src/harness/payloads.ts';
import type * as ByteParserModule from '../starter/src/ingest/byte-parser.ts';
import type { IngestContext, Metric } from '../starter/src/ingest/metric.ts';
import type { ParseLimits } from '../starter/src/ingest/parse-limits.ts';
import type * as Level7 from '../starter/src/levels/level-7.ts';
import type * as SeriesStoreModule from '../starter/src/storage/series-store.ts';
import { fromTree, post, startService } from './support/service.ts';

/**
 * The byte parser (starter/src/ingest/byte-parser.ts) against the two paths it replaces, on the
 * finished tree: `validatePayload(JSON.parse(buf.toString()))` (same accepted payloads, same
 * metrics, same validation errors; a syntax error is a ParseError with a position) and
 * `validatePayload(parseFast(buf.toString()))` (the same outcome exactly, ParseError position and
 * reason included). Duplicate keys follow JSON.parse: the last one wins.
 */

type Validate = (raw: unknown, ctx: IngestContext) => Metric[];
type Outcome = { ok: true; metrics: Metric[] } | { ok: false; name: string; position?: unknown; field?: unknown; reason?: unknown };

let parseMetricBytes: typeof ByteParserModule.parseMetricBytes;
let validatePayload: Validate;
let parseFast: (text: string, limits?: ParseLimits) => unknown;
const ctx: IngestContext = { client: 'tester', now: 1_758_116_723_000 };

beforeAll(async () => {
  ({ parseMetricBytes } = await fromTree<typeof ByteParserModule>('ingest/byte-parser.ts'));
  ({ validatePayload } = await fromTree<{ validatePayload: Validate }>('ingest/validate.ts'));
  ({ parseFast } = await fromTree<{ parseFast: typeof parseFast }>('ingest/fast-parser.ts'));
});

function outcome(run: () => Metric[]): Outcome {
  try {
    return { ok: true, metrics: run() };
  } catch (err) {
    const e = err as { name: string; position?: unknown; field?: unknown; reason?: unknown };
    if (e.name === 'ParseError') return { ok: false, name: e.name, position: e.position, reason: e.reason };
    if (e.name === 'ValidationError') return { ok: false, name: e.name, field: e.field, reason: e.reason };
    return { ok: false, name: e.name }; // JSON.parse's SyntaxError: no byte position to compare
  }
}

const viaBytes = (buf: Buffer, limits?: ParseLimits) => outcome(() => parseMetricBytes(buf, ctx, limits));
const viaJson = (buf: Buffer) => outcome(() => validatePayload(JSON.parse(buf.toString('utf8')), ctx));
const viaFast = (buf: Buffer, limits?: ParseLimits) => outcome(() => validatePayload(parseFast(buf.toString('utf8'), limits), ctx));
const show = (buf: Buffer): string => JSON.stringify(buf.toString('utf8')).slice(0, 300);

/** The byte parser agrees with both paths on `input` (see the header comment). */
function expectAgreement(input: string | Buffer, note = ''): Outcome {
  const buf = typeof input === 'string' ? Buffer.from(input) : input;
  const what = `${note ? `${note}: ` : ''}${show(buf)}`;
  const mine = viaBytes(buf);
  expect(mine, `byte parser vs parseFast + validatePayload on ${what}`).toEqual(viaFast(buf));
  const json = viaJson(buf);
  if (json.ok || json.name === 'ValidationError') {
    expect(mine, `byte parser vs JSON.parse + validatePayload on ${what}`).toEqual(json);
  } else {
    expect(mine.ok, `JSON.parse refused ${what}, the byte parser accepted it`).toBe(false);
    expect(mine, `a syntax error needs a ParseError with a byte position: ${what}`).toMatchObject({ name: 'ParseError', position: expect.any(Number), reason: expect.any(String) });
  }
  return mine;
}

const metricsOf = (o: Outcome): Metric[] => {
  if (!o.ok) throw new Error(`expected metrics, got ${JSON.stringify(o)}`);
  return o.metrics;
};

// ---- a generator of payloads that are mostly valid metrics, in every form the grammar allows ----

class MetricGen extends PayloadGen {
  /** While set, every field is drawn from its valid forms only (still in every spelling). */
  strict = false;

  nameText(): string {
    switch (this.strict ? 3 + this.int(7) : this.int(10)) {
      case 0: return `"${this.pick(['cpu', 'a'])}\\u005f${this.pick(['x', 'usage'])}"`; // an escaped "_": still valid
      case 1: return this.pick(['""', '"9lives"', '"with space"', '"déjà"', `"${'n'.repeat(200)}"`, `"${'n'.repeat(201)}"`, '"a-b"', '"ok:1.2"']);
      case 2: return this.chance(0.5) ? this.number() : this.pick(['null', 'true', '[]', '{}']);
      default: return `"${this.pick(['cpu_usage', 'memory.used', 'http:requests', '_x', 'A9', 'disk_io'])}"`;
    }
  }

  valueText(): string {
    if (!this.strict && this.chance(0.1)) return this.pick(['"75.5"', 'null', '1e400', '-1e400', '[]', 'true']);
    return this.number();
  }

  timestampText(): string {
    if (this.chance(0.5)) {
      const i = this.int(10);
      if (i < 7 || this.strict) return this.chance(0.9) || this.strict ? String(this.int(2 ** 31) * 1000 + this.int(1000)) : this.number();
      return this.pick(['-1', '1.5', '8640000000000000', '8640000000000001', '1e3', 'null', '{}']);
    }
    const two = (n: number) => String(n).padStart(2, '0');
    if (this.strict) return `"${new Date(this.int(2 ** 31) * 1000 + this.int(1000)).toISOString()}"`;
    const year = this.pick(['2025', '2024', '1970', '1969', '0000', '9999', '2000']);
    const month = two(this.pick([1, 2, 9, 12, 0, 13]));
    const day = two(this.pick([1, 17, 28, 29, 30, 31, 0, 32]));
    const hour = two(this.pick([0, 13, 23, 24, 25]));
    const minute = two(this.pick([0, 45, 59, 60]));
    const second = two(this.pick([0, 23, 59, 60]));
    const fraction = this.pick(['', '.123', '.1', '.12', '.1234', '.123456789', '.1234567890', '.']);
    const zone = this.pick(['Z', 'Z', 'Z', '+02:00', '-05:30', 'z', '']);
    const sep = this.chance(0.95) ? 'T' : ' ';
    const text = `${year}-${month}-${day}${sep}${hour}:${minute}:${second}${fraction}${zone}`;
    return this.chance(0.05) ? `"${text.replace('T', '\\u0054')}"` : `"${text}"`;
  }

  tagsText(): string {
    if (!this.strict && this.chance(0.05)) return this.pick(['null', '[]', '"host=a"', '1']);
    const n = this.chance(0.05) ? 30 + this.int(this.strict ? 3 : 6) : this.int(4);
    const members: string[] = [];
    for (let i = 0; i < n; i++) {
      const key = this.strict || this.chance(0.85)
        ? `"${this.pick(['host', 'region', 'az', 'k_1', 'a.b-c', '__proto__', 'constructor'])}${n > 4 ? i : ''}"`
        : this.pick(['"1"', '"9x"', '""', '"bad key"', '"h\\u006fst"', '"é"']);
      const value = this.strict || this.chance(0.9) ? (this.chance(0.7) ? `"${this.pick(['web-1', 'eu-west', 'a', ''])}"` : this.string()) : this.chance(0.5) ? `"${'v'.repeat(199 + this.int(3))}"` : this.any(1);
      members.push(`${this.ws()}${key}${this.ws()}:${this.ws()}${value}${this.ws()}`);
    }
    return `{${n === 0 ? this.ws() : members.join(',')}}`;
  }

  metricText(): string {
    if (!this.strict && this.chance(0.03)) return this.any(1);
    const members: string[] = [];
    if (this.strict || this.chance(0.95)) members.push(`"name":${this.nameText()}`);
    if (this.strict || this.chance(0.95)) members.push(`"value":${this.valueText()}`);
    if (this.chance(0.6)) members.push(`"timestamp":${this.timestampText()}`);
    if (this.chance(0.7)) members.push(`"tags":${this.tagsText()}`);
    if (this.chance(0.15)) members.push(`${this.pick(['"unit"', '"metrics"', '"na\\u006de"', '"value "'])}:${this.any(2)}`);
    if (!this.strict && this.chance(0.1)) members.push(`"${this.pick(['name', 'value', 'timestamp', 'tags'])}":${this.any(1)}`); // a duplicate
    for (let i = members.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    return `{${members.map((m) => `${this.ws()}${m.replace(':', `${this.ws()}:${this.ws()}`)}${this.ws()}`).join(',')}}`;
  }

  metricPayload(): string {
    this.strict = this.chance(0.4);
    const metrics = `[${Array.from({ length: this.chance(0.05) ? 0 : 1 + this.int(4) }, () => this.ws() + this.metricText() + this.ws()).join(',')}]`;
    const members = [`"metrics":${metrics}`];
    if (this.chance(0.1)) members.unshift(`"metrics":${this.chance(0.5) ? this.any(1) : metrics}`);
    if (this.chance(0.1)) members.push(`"source":${this.any(2)}`);
    return `${this.ws()}{${members.join(',')}}${this.ws()}`;
  }
}

// ---- the tests ----

describe('byte parser: same answers as JSON.parse + validatePayload', () => {
  it('agrees on a corpus of valid and refused payloads', () => {
    const corpus = [
      '{"metrics":[{"name":"cpu_usage","value":75.5}]}',
      metricsPayload(3, 7),
      ' \n\t{ "metrics" :\r\n [ { "name" : "a" , "value" : 1 , "tags" : { "host" : "h" } } ] } \n',
      '{"source":{"metrics":[1]},"metrics":[{"name":"a","value":1,"unit":{"x":[1,{"y":"}"}],"z":null}}],"v":[true,false,null]}',
      '{"metrics":[{"name":"a","value":1,"timestamp":0},{"name":"b","value":-2.5,"timestamp":"2025-09-17T13:45:23Z"}]}',
      // refusals by the validator, in its order
      '[]', '"metrics"', '5', 'null', '{}', '{"metric":[]}', '{"metrics":{}}', '{"metrics":[]}', '{"metrics":[1]}', '{"metrics":[[]]}',
      '{"metrics":[{"value":1}]}', '{"metrics":[{"name":"","value":1}]}', '{"metrics":[{"name":"1a","value":1}]}',
      '{"metrics":[{"name":"a"}]}', '{"metrics":[{"name":"a","value":"1"}]}', '{"metrics":[{"name":"a","value":null}]}',
      '{"metrics":[{"name":"a","value":1,"timestamp":-1}]}', '{"metrics":[{"name":"a","value":1,"timestamp":1.5}]}',
      '{"metrics":[{"name":"a","value":1,"timestamp":"yesterday"}]}', '{"metrics":[{"name":"a","value":1,"timestamp":true}]}',
      '{"metrics":[{"name":"a","value":1,"tags":[]}]}', '{"metrics":[{"name":"a","value":1,"tags":{"host":1}}]}',
      '{"metrics":[{"name":"a","value":1,"tags":{"bad key":"x"}}]}',
      '{"metrics":[{"name":"a","value":1},{"name":"b"}]}', // the second metric is named
      '{"metrics":[{"value":1,"name":5}]}', // name is judged before value, whatever the key order
      // syntax errors win over validation errors, even after them
      '{"metrics":[{"name":"1a"}],', '{"metrics":[{"value":"x"}]} x', '[1,', '{"metrics":[1]',
    ];
    for (const text of corpus) expectAgreement(text);
  });

  it(`agrees on seeded random payloads, valid and broken [seed ${SEED}]`, () => {
    const gen = new MetricGen(rng(SEED));
    let accepted = 0;
    let refusedByValidation = 0;
    for (let i = 0; i < 1500; i++) {
      const text = gen.metricPayload();
      const o = expectAgreement(text, `payload #${i} [seed ${SEED}]`);
      if (o.ok) accepted++;
      else if (o.name === 'ValidationError') refusedByValidation++;
      if (i % 3 === 0) expectAgreement(gen.mutate(text).text, `mutated payload #${i} [seed ${SEED}]`);
    }
    // The generator must exercise both sides, or the agreement above proves little.
    expect(accepted, 'valid payloads generated').toBeGreaterThan(300);
    expect(refusedByValidation, 'payloads refused by validation').toBeGreaterThan(200);
    const syntax = new PayloadGen(rng(SEED ^ 0x5eed));
    for (let i = 0; i < 500; i++) {
      const text = syntax.payload();
      expectAgreement(i % 2 ? syntax.mutate(text).text : text, `phase-3 fuzz payload #${i} [seed ${SEED}]`);
    }
  });

  it('refuses every truncation of a payload at the end of input, at the exact byte', () => {
    const payloads = [
      metricsPayload(2, 3),
      String.raw`{"metrics":[{"na\u006de":"d\u00e9j\u00E0 \ud83d\ude00","value":-1.5e-3,"timestamp":"2025-09-17T13:45:23.123Z","tags":{"h\"q":"a\\b\/c\n","é":"中文😀"},"x":[true,false,null,{}]}]}`,
      '{"metrics":[{"name":"déjà_vu","value":-0,"tags":{"k":"😀"}}]}',
    ];
    for (const text of payloads) {
      const full = Buffer.from(text);
      for (let cut = 0; cut < full.length; cut++) {
        // Cuts inside a multi-byte character included: the raw length is still the position.
        const o = viaBytes(full.subarray(0, cut));
        expect(o, `prefix of ${cut} bytes of ${show(full)}`).toMatchObject({ ok: false, name: 'ParseError', position: cut });
        expect(String((o as { reason: unknown }).reason)).toMatch(/^unexpected end of input/);
        if (Buffer.from(full.subarray(0, cut).toString('utf8')).equals(full.subarray(0, cut))) expectAgreement(full.subarray(0, cut));
      }
    }
  });
});

describe('byte parser: strings, numbers, keys', () => {
  it('decodes escapes and unicode as JSON.parse does, raw or escaped, in names, tags and skipped fields', () => {
    const cases = [
      String.raw`{"metrics":[{"name":"cpu\u005fusage","value":1,"tags":{"q":"\"\\\/\b\f\n\r\t","u":"\u00e9\u00C9\u4e2D"}}]}`,
      String.raw`{"metrics":[{"name":"a","value":1,"tags":{"pair":"a\ud83d\ude00b","lone":"\ud800x\udfff","raw":"😀 déjà 中","ctl":"\u0000\u001f"}}]}`,
      '{"metrics":[{"name":"a","value":1,"tags":{"del":"a\u007fb","sep":"a\u2028b"}}]}',
      String.raw`{"metrics":[{"name":"a","value":1,"tags":{"h\u006fst":"x","t\u00e9":"y"}}]}`, // an escaped valid key; a non-ASCII key is refused
      String.raw`{"metrics":[{"name":"\u00e9","value":1}]}`, // a decoded name that breaks the rule
      String.raw`{"m\u0065trics":[{"name":"a","value":1}],"x":"\ud83d"}`,
      String.raw`{"metrics":[{"name":"a","value":1,"x":"\q"}]}`, // a bad escape in a skipped field
      String.raw`{"metrics":[{"name":"a\u12G4","value":1}]}`,
      '{"metrics":[{"name":"a\tb","value":1}]}', // a raw control character
    ];
    for (const text of cases) expectAgreement(text);
    const m = metricsOf(expectAgreement(cases[1]!))[0]!;
    expect(m.tags).toEqual({ pair: 'a😀b', lone: '\ud800x\udfff', raw: '😀 déjà 中', ctl: '\u0000\u001f' });
  });

  it('treats invalid UTF-8 inside strings like buf.toString() does (U+FFFD) and refuses it outside them', () => {
    const wrap = (bytes: number[]) => Buffer.concat([Buffer.from('{"metrics":[{"name":"a","value":1,"tags":{"k":"x'), Buffer.from(bytes), Buffer.from('y"}}]}')]);
    for (const bytes of [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x98], [0x80, 0x80], [0xc0, 0xaf]]) {
      const buf = wrap(bytes);
      expect(viaBytes(buf), show(buf)).toEqual(viaJson(buf));
    }
    expect(viaBytes(Buffer.from([0x7b, 0xff, 0x7d]))).toMatchObject({ ok: false, name: 'ParseError', position: 1 });
    // A leading byte-order mark is refused, as JSON.parse(buf.toString()) refuses it.
    expectAgreement(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"metrics":[{"name":"a","value":1}]}')]));
  });

  it('reads numbers as the same double as JSON.parse: exponents, -0, long and tiny numbers; 1e400 is refused by validation', () => {
    const texts = [
      '0', '-0', '-0.0', '0.0', '1', '-1', '0.5', '-0.25', '75.5', '68.98', '0.1', '0.30000000000000004', '123456789012345', '1234567890123456',
      '9007199254740991', '9007199254740993', '-9007199254740993', '123456789012345678901234567890', '1.7976931348623157e308', '5e-324', '4.9e-324',
      '1e3', '1E3', '1e+3', '2e-3', '-1.5E-3', '1e22', '1e23', '0.000001', '100000000000000000000000', '3.141592653589793', '2.718281828459045235360287',
      '0.1000000000000000055511151231257827', '1e400', '-1e400', '1e-400',
    ];
    const r = rng(SEED ^ 0xab);
    for (let i = 0; i < 400; i++) {
      const intPart = String(Math.floor(r() * 10 ** (1 + Math.floor(r() * 16))));
      const frac = r() < 0.7 ? `.${String(Math.floor(r() * 10 ** (1 + Math.floor(r() * 17)))).padStart(1, '0')}` : '';
      texts.push(`${r() < 0.3 ? '-' : ''}${intPart}${frac}${r() < 0.2 ? `e${Math.floor(r() * 40) - 20}` : ''}`);
    }
    for (const t of texts) {
      expectAgreement(`{"metrics":[{"name":"n","value":${t},"timestamp":${t}}]}`, `number ${t}`);
      const o = viaBytes(Buffer.from(`{"metrics":[{"name":"n","value":${t}}]}`));
      const expected = JSON.parse(t) as number;
      if (Number.isFinite(expected)) {
        const value = metricsOf(o)[0]!.value;
        expect(Object.is(value, expected), `value ${t}: got ${value}, JSON.parse gives ${expected}`).toBe(true);
      } else {
        expect(o, `value ${t}`).toMatchObject({ ok: false, field: 'metrics[0].value', reason: 'must be a finite number' });
      }
    }
    expect(Object.is(metricsOf(viaBytes(Buffer.from('{"metrics":[{"name":"n","value":-0,"timestamp":-0}]}')))[0]!.value, -0)).toBe(true);
  });

  it('duplicate keys: the last one wins, as in JSON.parse (root, metric fields, tags; key order kept)', () => {
    const cases = [
      '{"metrics":[{"name":"a","value":1}],"metrics":[{"name":"b","value":2}]}',
      '{"metrics":[{"name":"1bad"}],"metrics":[{"name":"b","value":2}]}', // a refused first "metrics" is forgotten
      '{"metrics":[{"name":"b","value":2}],"metrics":[]}',
      '{"metrics":[{"name":"a","value":1,"value":2,"name":"b","value":"x","value":3}]}',
      '{"metrics":[{"name":5,"name":"ok","value":1,"timestamp":"no","timestamp":7,"tags":[],"tags":{"a":"1"}}]}',
      '{"metrics":[{"name":"ok","name":5,"value":1}]}',
      '{"metrics":[{"name":"a","value":1,"tags":{"b":"1","a":"2","b":"3"}}]}',
      '{"metrics":[{"name":"a","value":1,"tags":{"b":"1","a":"2","b":"3","1":"x"}}]}',
      '{"metrics":[{"name":"a","value":1,"tags":{"b":1,"b":"fixed"}}]}',
      '{"metrics":[{"name":"a","value":1,"tags":{"host":5,"1":"x"}}]}', // JSON.parse puts "1" first: it is the one named
    ];
    for (const text of cases) expectAgreement(text);
    expect(metricsOf(viaBytes(Buffer.from(cases[3]!)))[0]).toMatchObject({ name: 'b', value: 3 });
    expect(Object.keys(metricsOf(viaBytes(Buffer.from(cases[6]!)))[0]!.tags)).toEqual(Object.keys(JSON.parse(cases[6]!).metrics[0].tags));
  });

  it('keeps a "__proto__" tag an own property, never the prototype', () => {
    const text = '{"metrics":[{"name":"a","value":1,"tags":{"__proto__":"x","constructor":"y"}}]}';
    const tags = metricsOf(expectAgreement(text))[0]!.tags;
    expect(Object.getPrototypeOf(tags)).toBe(Object.prototype);
    expect(Object.keys(tags)).toEqual(['__proto__', 'constructor']);
  });
});

describe('byte parser: limits and timestamps', () => {
  it('enforces the validator limits at their edges (name and tag value length, tag count)', () => {
    const metric = (extra: string) => `{"metrics":[{"name":"a","value":1${extra}}]}`;
    const tags = (n: number, dup = 0) => `,"tags":{${Array.from({ length: n }, (_, i) => `"k${i % (n - dup)}":"v"`).join(',')}}`;
    const cases = [
      `{"metrics":[{"name":"${'n'.repeat(200)}","value":1}]}`, `{"metrics":[{"name":"${'n'.repeat(201)}","value":1}]}`,
      metric(`,"tags":{"k":"${'v'.repeat(200)}"}`), metric(`,"tags":{"k":"${'v'.repeat(201)}"}`), metric(`,"tags":{"k":"${'é'.repeat(200)}"}`),
      metric(tags(32)), metric(tags(33)), metric(tags(34, 2)), // 34 members, 32 distinct keys: accepted
    ];
    for (const text of cases) expectAgreement(text);
    expect(viaBytes(Buffer.from(metric(tags(34, 2)))).ok).toBe(true);
    expect(viaBytes(Buffer.from(metric(tags(33))))).toMatchObject({ field: 'metrics[0].tags', reason: 'must have at most 32 tags' });
  });

  it('enforces the size and depth limits like parseFast, at the same byte', () => {
    const limits = { maxBytes: 200, maxDepth: 5 };
    const cases = [
      '{"metrics":[{"name":"a","value":1,"x":[[]]}]}', // depth 5: fine
      '{"metrics":[{"name":"a","value":1,"x":[[[]]]}]}', // depth 6: refused at its bracket
      '{"metrics":[{"name":"a","value":1}],"y":{"z":{"w":{"v":{}}}}}',
      `{"metrics":[{"name":"a","value":1,"x":"${'p'.repeat(200)}"}]}`, // too large
    ];
    for (const text of cases) {
      const buf = Buffer.from(text);
      expect(viaBytes(buf, limits), show(buf)).toEqual(viaFast(buf, limits));
    }
    expect(viaBytes(Buffer.from(cases[1]!), limits)).toMatchObject({ name: 'ParseError', position: cases[1]!.indexOf('[[[') + 2 });
    expect(viaBytes(Buffer.from(cases[3]!), limits)).toMatchObject({ name: 'ParseError', position: 200 });
    const deep = `{"metrics":[{"name":"a","value":1,"x":${'['.repeat(100_000)}`;
    expect(viaBytes(Buffer.from(deep))).toMatchObject({ name: 'ParseError', reason: 'nesting deeper than 64 levels' });
  });

  it('reads ISO 8601 timestamps like Date.parse, edge dates included', () => {
    const stamps = [
      '2025-09-17T13:45:23.123Z', '2025-09-17T13:45:23Z', '2024-02-29T00:00:00Z', '2025-02-29T00:00:00Z', '2025-02-30T12:00:00.000Z',
      '2025-09-17T24:00:00Z', '2025-09-17T24:00:01Z', '2025-09-17T23:59:59.999Z', '2025-09-17T13:60:00Z', '2025-09-17T13:00:60Z',
      '1970-01-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '2025-13-01T00:00:00Z',
      '2025-00-01T00:00:00Z', '2025-01-00T00:00:00Z', '2025-01-32T00:00:00Z', '2025-09-17T13:45:23.1Z', '2025-09-17T13:45:23.123456789Z',
      '2025-09-17T13:45:23+02:00', '2025-09-17T13:45:23.123-05:30', '2025-09-17 13:45:23Z', '2025-09-17T13:45:23.123z', '2025-9-17T13:45:23Z',
      '2025-09-17T1a:45:23.123Z', '2025-09-17T13:45:23.12aZ',
    ];
    for (const s of stamps) {
      const o = expectAgreement(`{"metrics":[{"name":"t","value":1,"timestamp":"${s}"}]}`, s);
      if (o.ok) expect(o.metrics[0]!.timestamp).toBe(Date.parse(s));
    }
  });

  it('accepts a Uint8Array that is not a Buffer, at an offset in its memory', () => {
    const text = '{"metrics":[{"name":"a","value":1,"tags":{"k":"v"}}]}';
    const backing = new Uint8Array(text.length + 10);
    backing.set(Buffer.from(text), 5);
    const view = backing.subarray(5, 5 + text.length);
    expect(parseMetricBytes(view, ctx)).toEqual(validatePayload(JSON.parse(text), ctx));
  });
});

describe('byte parser: shared tags objects', () => {
  it('gives equal tag sets one frozen object, and the store still keeps every series apart', async () => {
    const body = (hosts: string[]) =>
      Buffer.from(JSON.stringify({ metrics: hosts.map((host, i) => ({ name: i % 2 ? 'mem' : 'cpu', value: i, timestamp: 1_000 + i, tags: { host, dc: 'x' } })) }));
    const a = parseMetricBytes(body(['a', 'a', 'b', 'b']), ctx); // cpu{a} mem{a} cpu{b} mem{b}
    const b = parseMetricBytes(body(['a', 'c']), ctx);
    expect(a[0]!.tags).toBe(a[1]!.tags); // same bytes, same object (whatever the metric's name), across requests too
    expect(a[0]!.tags).toBe(b[0]!.tags);
    expect(a[0]!.tags).not.toBe(a[2]!.tags);
    expect(Object.isFrozen(a[0]!.tags)).toBe(true);
    expect(() => {
      'use strict';
      (a[0]!.tags as Record<string, string>).host = 'z';
    }).toThrow(TypeError);
    const { SeriesStore } = await fromTree<typeof SeriesStoreModule>('storage/series-store.ts');
    const shared = new SeriesStore();
    const plain = new SeriesStore();
    for (const batch of [a, b]) {
      shared.add(batch);
      plain.add(batch.map((m) => ({ ...m, tags: { ...m.tags } }))); // unshared copies: the key-per-metric path
    }
    const dump = (st: InstanceType<typeof SeriesStoreModule.SeriesStore>) =>
      ['cpu', 'mem'].flatMap((name) => st.select(name, {}, -Infinity, Infinity));
    expect(dump(shared)).toEqual(dump(plain));
    expect(shared.size).toEqual({ series: 5, points: 6 }); // cpu{a} mem{a} cpu{b} mem{b} mem{c}
  });
});

describe('the finished service parses bodies from their bytes, inline and in the pool', () => {
  it('answers 400 with the raw byte position and reason, and stores what it accepts', async () => {
    const svc = await startService();
    try {
      // A two-byte character before the error: positions count bytes (10 here), not characters (9).
      const res = await fetch(`${svc.url}/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"x":"é",}') });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'parse_error', position: 10, reason: 'expected a string key' });
      // Bytes that are not UTF-8 are refused before parsing, at the first bad byte (not stored as U+FFFD).
      const notUtf8 = await fetch(`${svc.url}/metrics`, { method: 'POST', body: Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xff]), Buffer.from('"}')]) });
      expect(await notUtf8.json()).toEqual({ error: 'parse_error', position: 6, reason: 'invalid UTF-8' });
      const bad = await fetch(`${svc.url}/metrics`, { method: 'POST', body: '{"metrics":[{"name":"a","value":"1"}]}' });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ error: 'validation_error', field: 'metrics[0].value', reason: 'must be a finite number' });
      await post(svc.url, [{ name: 'bytes_ok', value: 2, timestamp: 1_000, tags: { host: 'h' } }]);
    } finally {
      await svc.close();
    }
  });

  it('parses a body above the inline cut-over in a pool worker with the same parser: byte positions included', async () => {
    const svc = await startService();
    try {
      const { FINAL_INLINE_MAX_BYTES } = await fromTree<typeof Level7>('levels/level-7.ts');
      const count = Math.ceil(FINAL_INLINE_MAX_BYTES / 60);
      const metrics = Array.from({ length: count }, (_, i) => ({ name: 'pool_bytes', value: i, timestamp: 1_000 + i, tags: { host: `h${i % 7}` } }));
      const text = JSON.stringify({ metrics });
      expect(Buffer.byteLength(text)).toBeGreaterThan(FINAL_INLINE_MAX_BYTES); // this one goes to the pool
      // A syntax error at the very end, found in the worker: its byte position, as inline.
      const broken = Buffer.concat([Buffer.from(text.slice(0, -2)), Buffer.from(',]}')]);
      const cut = broken.length - 2;
      const res = await fetch(`${svc.url}/metrics`, { method: 'POST', body: broken });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'parse_error', position: cut });
      // Bytes that are not UTF-8 inside the first name: refused in the worker too, at that byte.
      const notUtf8 = Buffer.concat([Buffer.from(text.slice(0, 22)), Buffer.from([0xff]), Buffer.from(text.slice(23))]);
      expect(await (await fetch(`${svc.url}/metrics`, { method: 'POST', body: notUtf8 })).json()).toEqual({ error: 'parse_error', position: 22, reason: 'invalid UTF-8' });
      const good = await fetch(`${svc.url}/metrics`, { method: 'POST', body: text });
      expect(await good.json()).toEqual({ accepted: count });
    } finally {
      await svc.close();
    }
  });
});
