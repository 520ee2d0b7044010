import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTodoError } from '../../../starter/src/lib/todo.ts';
import { postMetrics, call, startInProcess, type InProcessService } from '../../src/harness/in-process.ts';
import { describeError, validateModule, type Metric } from './support.ts';

const CTX = { client: 'client-7', now: Date.parse('2025-09-17T13:45:23.123Z') };
const good = { name: 'cpu_usage', value: 75.5, timestamp: '2025-09-17T13:45:23.123Z', tags: { host: 'a' } };

/** Call the learner's validator and return the ValidationError it throws (fails if it does not). */
async function refusal(raw: unknown, label: string, field: string): Promise<{ field: unknown; reason: unknown }> {
  const { validatePayload } = await validateModule();
  let accepted: Metric[];
  try {
    accepted = validatePayload(raw, CTX);
  } catch (err) {
    if (isTodoError(err)) throw err;
    const e = err as { name?: unknown; field?: unknown; reason?: unknown };
    expect(e.name, `Expected a ValidationError naming "${field}" for ${label}, got ${describeError(err)}`).toBe('ValidationError');
    return { field: e.field, reason: e.reason };
  }
  throw new Error(`Expected validatePayload to refuse ${label} with a ValidationError naming "${field}", but it accepted it and returned ${JSON.stringify(accepted).slice(0, 200)}`);
}

describe('validatePayload accepts well-formed payloads', () => {
  it('builds one Metric per entry with the ISO timestamp as epoch ms, the tags and the client', async () => {
    const { validatePayload } = await validateModule();
    const got = validatePayload({ metrics: [good, { name: 'mem.used_bytes', value: -3, timestamp: 1758116723000 }] }, CTX);
    expect(got, 'Expected two metrics; an epoch-ms timestamp is kept as is, missing tags become {}').toEqual([
      { name: 'cpu_usage', value: 75.5, timestamp: Date.parse('2025-09-17T13:45:23.123Z'), tags: { host: 'a' }, client: 'client-7' },
      { name: 'mem.used_bytes', value: -3, timestamp: 1758116723000, tags: {}, client: 'client-7' },
    ]);
  });

  it('gives a metric without a timestamp the time of the request (ctx.now)', async () => {
    const { validatePayload } = await validateModule();
    const [m] = validatePayload({ metrics: [{ name: 'up', value: 1 }] }, CTX);
    expect(m?.timestamp, 'Expected a metric without "timestamp" to get ctx.now').toBe(CTX.now);
  });

  it('ignores unknown fields and accepts an offset timestamp', async () => {
    const { validatePayload } = await validateModule();
    const [m] = validatePayload({ metrics: [{ ...good, timestamp: '2025-09-17T15:45:23.123+02:00', unit: 'percent' }], extra: true }, CTX);
    expect(m, 'Expected unknown fields to be ignored and +02:00 to be converted to UTC').toEqual({
      name: 'cpu_usage',
      value: 75.5,
      timestamp: Date.parse('2025-09-17T13:45:23.123Z'),
      tags: { host: 'a' },
      client: 'client-7',
    });
  });
});

/** `n` distinct valid tags. */
function manyTags(n: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `v${i}`]));
}

// [what is sent (one metric entry), what the stored Metric must be apart from name/client]
const GOOD_EDGES: Array<[string, Record<string, unknown>, Partial<Metric>]> = [
  ['a name of exactly 200 characters', { name: 'n'.repeat(200), value: 1 }, { name: 'n'.repeat(200) }],
  ['a name with ":" and "." and a leading "_"', { name: '_job:http.requests', value: 1 }, { name: '_job:http.requests' }],
  ['a name starting with ":"', { name: ':recorded', value: 1 }, { name: ':recorded' }],
  ['a value of 0', { name: 'up', value: 0 }, { value: 0 }],
  ['a negative fractional value', { name: 'temp', value: -0.25 }, { value: -0.25 }],
  ['an epoch timestamp of 0 (>= 0 is allowed)', { name: 'up', value: 1, timestamp: 0 }, { timestamp: 0 }],
  ['an epoch timestamp of 8.64e15, the largest time a Date holds', { name: 'up', value: 1, timestamp: 8.64e15 }, { timestamp: 8.64e15 }],
  ['the ISO time of epoch 0 (1970-01-01T00:00:00Z is >= 0)', { name: 'up', value: 1, timestamp: '1970-01-01T00:00:00Z' }, { timestamp: 0 }],
  ['an ISO timestamp without fractional seconds', { name: 'up', value: 1, timestamp: '2025-09-17T13:45:23Z' }, { timestamp: Date.parse('2025-09-17T13:45:23Z') }],
  ['February 29th of a leap year', { name: 'up', value: 1, timestamp: '2024-02-29T23:59:59Z' }, { timestamp: Date.parse('2024-02-29T23:59:59Z') }],
  ['an ISO timestamp with a negative offset', { name: 'up', value: 1, timestamp: '2025-09-17T08:45:23.123-05:00' }, { timestamp: Date.parse('2025-09-17T13:45:23.123Z') }],
  ['exactly 32 tags', { name: 'up', value: 1, tags: manyTags(32) }, { tags: manyTags(32) }],
  ['a tag value of exactly 200 characters', { name: 'up', value: 1, tags: { host: 'h'.repeat(200) } }, { tags: { host: 'h'.repeat(200) } }],
  ['an empty tag value', { name: 'up', value: 1, tags: { host: '' } }, { tags: { host: '' } }],
  ['tag keys with ".", "-" and a leading "_"', { name: 'up', value: 1, tags: { 'k8s.pod-name': 'p', _private: 'x' } }, { tags: { 'k8s.pod-name': 'p', _private: 'x' } }],
  ['empty tags', { name: 'up', value: 1, tags: {} }, { tags: {} }],
];

// [what is sent, the field the error must name]
const BAD: Array<[string, unknown, string]> = [
  ['an array instead of an object', [good], 'body'],
  ['null', null, 'body'],
  ['no "metrics" field', { data: [good] }, 'metrics'],
  ['"metrics" that is not an array', { metrics: good }, 'metrics'],
  ['an empty "metrics" array', { metrics: [] }, 'metrics'],
  ['a metric that is a number', { metrics: [42] }, 'metrics[0]'],
  ['a metric without a name', { metrics: [{ value: 1 }] }, 'metrics[0].name'],
  ['an empty name', { metrics: [{ ...good, name: '' }] }, 'metrics[0].name'],
  ['a numeric name', { metrics: [{ ...good, name: 5 }] }, 'metrics[0].name'],
  ['a name with a space', { metrics: [{ ...good, name: 'cpu usage' }] }, 'metrics[0].name'],
  ['a metric without a value', { metrics: [{ name: 'cpu_usage' }] }, 'metrics[0].value'],
  ['a value sent as a string', { metrics: [{ ...good, value: '75.5' }] }, 'metrics[0].value'],
  ['a NaN value', { metrics: [{ ...good, value: NaN }] }, 'metrics[0].value'],
  ['an Infinity value', { metrics: [{ ...good, value: Infinity }] }, 'metrics[0].value'],
  ['a null value', { metrics: [{ ...good, value: null }] }, 'metrics[0].value'],
  ['a boolean value', { metrics: [{ ...good, value: true }] }, 'metrics[0].value'],
  ['a timestamp that is not a date', { metrics: [{ ...good, timestamp: 'yesterday' }] }, 'metrics[0].timestamp'],
  ['an impossible date', { metrics: [{ ...good, timestamp: '2025-13-45T99:00:00Z' }] }, 'metrics[0].timestamp'],
  ['February 30th, which Date.parse rolls over to March 2nd', { metrics: [{ ...good, timestamp: '2025-02-30T00:00:00Z' }] }, 'metrics[0].timestamp'],
  ['February 29th of a year that is not a leap year', { metrics: [{ ...good, timestamp: '2025-02-29T12:00:00Z' }] }, 'metrics[0].timestamp'],
  ['April 31st', { metrics: [{ ...good, timestamp: '2025-04-31T08:00:00+02:00' }] }, 'metrics[0].timestamp'],
  ['the hour 24, which Date.parse reads as the next day', { metrics: [{ ...good, timestamp: '2025-01-01T24:00:00Z' }] }, 'metrics[0].timestamp'],
  ['a negative epoch timestamp', { metrics: [{ ...good, timestamp: -1 }] }, 'metrics[0].timestamp'],
  ['a fractional epoch timestamp', { metrics: [{ ...good, timestamp: 1.5 }] }, 'metrics[0].timestamp'],
  ['a boolean timestamp', { metrics: [{ ...good, timestamp: false }] }, 'metrics[0].timestamp'],
  ['tags that are a string', { metrics: [{ ...good, tags: 'host=a' }] }, 'metrics[0].tags'],
  ['tags that are an array', { metrics: [{ ...good, tags: ['a'] }] }, 'metrics[0].tags'],
  ['a numeric tag value', { metrics: [{ ...good, tags: { host: 'a', port: 8080 } }] }, 'metrics[0].tags.port'],
  ['a bad third metric', { metrics: [good, good, { ...good, value: 'high' }] }, 'metrics[2].value'],
  // every row of the lesson's table, at and past its limits
  ['a body that is a string', '{"metrics":[]}', 'body'],
  ['a metric that is null', { metrics: [null] }, 'metrics[0]'],
  ['a metric that is an array', { metrics: [[good]] }, 'metrics[0]'],
  ['a name of 201 characters (at most 200)', { metrics: [{ ...good, name: 'a'.repeat(201) }] }, 'metrics[0].name'],
  ['a name starting with a digit', { metrics: [{ ...good, name: '1cpu' }] }, 'metrics[0].name'],
  ['a name with a dash', { metrics: [{ ...good, name: 'cpu-usage' }] }, 'metrics[0].name'],
  ['a name with a trailing newline', { metrics: [{ ...good, name: 'cpu\n' }] }, 'metrics[0].name'],
  ['a -Infinity value', { metrics: [{ ...good, value: -Infinity }] }, 'metrics[0].value'],
  ['an object value', { metrics: [{ ...good, value: { v: 1 } }] }, 'metrics[0].value'],
  ['an ISO timestamp without Z or an offset', { metrics: [{ ...good, timestamp: '2025-09-17T13:45:23.123' }] }, 'metrics[0].timestamp'],
  ['a date without a time', { metrics: [{ ...good, timestamp: '2025-09-17' }] }, 'metrics[0].timestamp'],
  ['an HTTP-style date (Date.parse accepts it, ISO 8601 does not)', { metrics: [{ ...good, timestamp: 'Wed, 17 Sep 2025 13:45:23 GMT' }] }, 'metrics[0].timestamp'],
  ['epoch ms sent as a string', { metrics: [{ ...good, timestamp: '1758116723000' }] }, 'metrics[0].timestamp'],
  ['a NaN timestamp', { metrics: [{ ...good, timestamp: NaN }] }, 'metrics[0].timestamp'],
  // Past 8.64e15 no Date can hold the time: the log line's ISO time stamp would throw later, as a 500.
  ['an epoch timestamp past the largest Date (8.64e15 + 1)', { metrics: [{ ...good, timestamp: 8.64e15 + 1 }] }, 'metrics[0].timestamp'],
  ['an ISO timestamp before 1970 (a negative time)', { metrics: [{ ...good, timestamp: '1969-12-31T23:59:59.999Z' }] }, 'metrics[0].timestamp'],
  ['null tags', { metrics: [{ ...good, tags: null }] }, 'metrics[0].tags'],
  ['33 tags (at most 32)', { metrics: [{ ...good, tags: manyTags(33) }] }, 'metrics[0].tags'],
  ['a tag key starting with a digit', { metrics: [{ ...good, tags: { host: 'a', '1zone': 'b' } }] }, 'metrics[0].tags.1zone'],
  ['a tag key with a space', { metrics: [{ ...good, tags: { 'data center': 'b' } }] }, 'metrics[0].tags.data center'],
  ['a tag value of 201 characters (at most 200)', { metrics: [{ ...good, tags: { host: 'h'.repeat(201) } }] }, 'metrics[0].tags.host'],
  ['a null tag value', { metrics: [{ ...good, tags: { host: null } }] }, 'metrics[0].tags.host'],
  // the FIRST problem, in the order of the table: entries in order, then name, value, timestamp, tags
  ['a bad name and a bad value (the name comes first)', { metrics: [{ name: '', value: 'x' }] }, 'metrics[0].name'],
  ['a bad value and a bad timestamp (the value comes first)', { metrics: [{ name: 'up', value: 'x', timestamp: 'soon' }] }, 'metrics[0].value'],
  ['a bad timestamp and bad tags (the timestamp comes first)', { metrics: [{ name: 'up', value: 1, timestamp: 'soon', tags: 'x' }] }, 'metrics[0].timestamp'],
  ['a bad first metric and a bad second one', { metrics: [{ ...good, value: 'x' }, { ...good, name: '' }] }, 'metrics[0].value'],
];

describe('validatePayload refuses bad payloads, naming the field', () => {
  it.each(BAD)('refuses %s', async (label, raw, field) => {
    const { field: named, reason } = await refusal(raw, label, field);
    expect(named, `Expected the ValidationError for ${label} to name field "${field}", got ${JSON.stringify(named)}`).toBe(field);
    expect(typeof reason === 'string' && reason.length > 0, `Expected a non-empty reason for ${label}, got ${JSON.stringify(reason)}`).toBe(true);
  });
});

describe('validatePayload accepts every value the table allows, up to its limits', () => {
  it.each(GOOD_EDGES)('accepts %s', async (label, entry, want) => {
    const { validatePayload } = await validateModule();
    let got: Metric[];
    try {
      got = validatePayload({ metrics: [entry] }, CTX);
    } catch (err) {
      if (isTodoError(err)) throw err;
      throw new Error(`Expected validatePayload to accept ${label} (the lesson's table allows it), but it threw ${describeError(err)}`);
    }
    const full = { name: entry.name, value: entry.value, timestamp: CTX.now, tags: {}, client: CTX.client, ...want };
    expect(got, `Expected ${label} to be stored as ${JSON.stringify(full).slice(0, 160)}, got ${JSON.stringify(got).slice(0, 200)}`).toEqual([full]);
  });

  it('keeps a tag key called "__proto__" as data', async () => {
    const { validatePayload } = await validateModule();
    // JSON.parse makes "__proto__" an own key, as the service's parsers do.
    const raw = JSON.parse('{"metrics":[{"name":"up","value":1,"tags":{"__proto__":"x","host":"a"}}]}') as unknown;
    const [m] = validatePayload(raw, CTX);
    const own = m ? Object.getOwnPropertyDescriptor(m.tags, '__proto__')?.value : undefined;
    expect(own, `Expected tags to keep "__proto__" as an own property with value "x" (build tags with Object.fromEntries, not tags[key] = value), got own keys ${JSON.stringify(m ? Object.keys(m.tags) : [])}`).toBe('x');
    expect(m?.tags.host, 'Expected the other tag to be kept').toBe('a');
    expect(Object.getPrototypeOf(m?.tags), 'Expected the tags object to keep a plain prototype').toBe(Object.prototype);
  });
});

describe('POST /metrics answers 400 with a JSON body', () => {
  let svc: InProcessService;
  beforeAll(async () => {
    svc = await startInProcess({ level: 0 });
  });
  afterAll(() => svc?.close());

  it('names the field of a validation error', async () => {
    const res = await postMetrics(svc.url, [good, { name: 'cpu_usage', value: '75.5' }]);
    expect(res.status, `Expected 400 for a string value, got ${res.status}: ${res.text}`).toBe(400);
    expect(res.json, 'Expected the body {"error":"validation_error","field":"metrics[1].value","reason":…}').toMatchObject({
      error: 'validation_error',
      field: 'metrics[1].value',
      reason: expect.any(String),
    });
  });

  it('gives the byte position of a parse error', async () => {
    const res = await call(`${svc.url}/metrics`, { method: 'POST', body: '{"metrics":[{"name":"cpu_usage",}]}' });
    expect(res.status, `Expected 400 for malformed JSON, got ${res.status}: ${res.text}`).toBe(400);
    expect(res.json, 'Expected {"error":"parse_error","position":32,…} (the offset of the "}" after the comma)').toMatchObject({ error: 'parse_error', position: 32 });
  });

  it('refuses an empty body', async () => {
    const res = await call(`${svc.url}/metrics`, { method: 'POST', body: '' });
    expect(res.status, `Expected 400 for an empty body, got ${res.status}: ${res.text}`).toBe(400);
  });
});
