import { describe, expect, it } from 'vitest';
import { parseAll } from './support/run-parser.ts';
import { notAParseError, positionOf, show, type Outcome } from './support/outcome.ts';
import { bytes, expectedPayload, firstDifference } from './support/oracle.ts';

// A corpus of payloads with known answers. Valid ones must equal JSON.parse minus unknown fields;
// invalid ones must fail with a ParseError at the byte offset where the text stops being a prefix
// of any valid payload. An invalid case is written as [viable prefix, rest]: the expected position
// is the UTF-8 length of the prefix, so every expected offset is derived, not typed in.

const VALID: Array<[title: string, text: string, expected?: unknown]> = [
  ['a minimal payload', '{"metrics":[{"name":"cpu_usage","value":75.5}]}'],
  ['the full metric shape', '{"metrics":[{"name":"cpu","value":1,"timestamp":"2025-09-17T13:45:23.123Z","tags":{"host":"a","region":"eu"}}]}'],
  ['an empty batch', '{"metrics":[]}', { metrics: [] }],
  ['whitespace everywhere', ' \n\t{ "metrics" :\r\n [ { "name" : "a" , "value" : 1 } ] } \n', { metrics: [{ name: 'a', value: 1 }] }],
  ['every simple escape', String.raw`{"metrics":[{"name":"q\"b\\s\/b\bf\fn\nr\rt\t"}]}`, { metrics: [{ name: 'q"b\\s/b\bf\fn\nr\rt\t' }] }],
  ['\\u escapes in both cases', String.raw`{"metrics":[{"name":"\u00e9\u00C9\u4e2D"}]}`, { metrics: [{ name: 'éÉ中' }] }],
  ['an escaped surrogate pair is one emoji', String.raw`{"metrics":[{"name":"a\ud83d\ude00b"}]}`, { metrics: [{ name: 'a😀b' }] }],
  ['a raw emoji and raw non-ASCII', '{"metrics":[{"name":"😀 déjà 中"}]}', { metrics: [{ name: '😀 déjà 中' }] }],
  ['a lone escaped surrogate is kept, as JSON.parse does', String.raw`{"metrics":[{"name":"\ud800x\udfff"}]}`],
  ['an escaped key', String.raw`{"metrics":[{"na\u006de":"cpu","value":2}]}`, { metrics: [{ name: 'cpu', value: 2 }] }],
  ['numbers of every form', '{"metrics":[{"value":[0,-0,1,-1,10,0.5,-0.25,1e3,1E3,1e+3,2e-3,-1.5E-3,123456789012345678901234567890,0.1,1e400,4.9e-324]}]}'],
  ['-0 stays -0', '{"metrics":[{"value":-0}]}', { metrics: [{ value: -0 }] }],
  ['integers around 2^53', '{"metrics":[{"value":[9007199254740991,9007199254740993,-9007199254740993,18014398509481985]}]}'],
  ['unknown metric fields are skipped, nested values too', '{"metrics":[{"name":"a","unit":{"x":[1,{"y":"}"}],"z":null},"value":3,"more":[[[]]]}]}', { metrics: [{ name: 'a', value: 3 }] }],
  ['unknown root fields are skipped', '{"source":{"metrics":[1]},"metrics":[{"name":"a"}],"v":[true,false,null]}', { metrics: [{ name: 'a' }] }],
  ['duplicate keys: the last one wins', '{"metrics":[{"name":"a","value":1,"value":2,"name":"b"}]}', { metrics: [{ name: 'b', value: 2 }] }],
  ['a duplicate "metrics": the last one wins', '{"metrics":[{"name":"a"}],"metrics":[{"name":"b"}]}', { metrics: [{ name: 'b' }] }],
  ['a "__proto__" tag is an own property', '{"metrics":[{"name":"a","tags":{"__proto__":"x","constructor":"y"}}]}'],
  ['a duplicate "__proto__" key: the last one wins', '{"metrics":[{"name":"a","tags":{"__proto__":"x","h":"1","__proto__":"y"}}]}'],
  ['values of the wrong type are kept for the validator', '{"metrics":[{"name":1,"value":"2","timestamp":null,"tags":[1,{"a":{}}]}]}'],
  ['a payload that is not an object is returned as is', '[{"metrics":[]},1,"x"]'],
  ['"metrics" that is not an array is returned as is', '{"metrics":{"name":"a","unknown":1}}'],
  ['a metric that is not an object is returned as is', '{"metrics":[1,"a",null,[{"x":1}]]}'],
  ['DEL and U+2028 are allowed raw in strings', '{"metrics":[{"name":"a\u007fb\u2028c"}]}'],
  ['a space (U+0020, the first allowed raw character) in a string', '{"metrics":[{"name":" a b "}]}', { metrics: [{ name: ' a b ' }] }],
  ['a raw lone surrogate is kept, as JSON.parse does', '{"metrics":[{"name":"x\ud800y"}]}'],
  ['zero with an exponent or a fraction', '{"metrics":[{"value":[0e5,0E-2,-0.0,0.000001,1E+2,-0e0]}]}', { metrics: [{ value: [0, 0, -0, 0.000001, 100, -0] }] }],
  ['a single number as the whole payload', '-12.5e-1', -1.25],
  ['literals as values and as whole payloads', '{"metrics":[{"value":[true,false,null]}]}', { metrics: [{ value: [true, false, null] }] }],
  ['a "__proto__" key deep inside kept values is an own property too', '{"metrics":[{"name":"a","value":[{"__proto__":{"x":1}}],"tags":{"t":{"__proto__":null}}}]}'],
  ['an empty key and an empty object in tags', '{"metrics":[{"tags":{"":"","e":{}}}]}', { metrics: [{ tags: { '': '', e: {} } }] }],
];

const INVALID: Array<[title: string, viablePrefix: string, rest: string]> = [
  ['an empty body', '', ''],
  ['only whitespace', ' \n ', ''],
  ['a trailing comma in an array', '{"metrics":[1,', ']}'],
  ['a trailing comma in an object', '{"metrics":[],', '}'],
  ['a missing comma between metrics', '{"metrics":[{}', '{}]}'],
  ['a missing colon', '{"metrics"', '[]}'],
  ['a key that is not a string', '{', 'metrics:[]}'],
  ['a single-quoted string', '{"metrics":[{"name":', "'a'}]}"],
  ['an unterminated string', '{"metrics":[{"name":"cpu}]}', ''],
  ['an invalid escape', '{"metrics":[{"name":"a\\', 'x"}]}'],
  ['a \\u escape with a non-hex digit', '{"metrics":[{"name":"\\u12', 'G4"}]}'],
  ['a \\u escape cut short', '{"metrics":[{"name":"\\u12', '"}]}'],
  ['a raw newline inside a string', '{"metrics":[{"name":"a', '\nb"}]}'],
  ['a raw tab inside a string', '{"metrics":[{"name":"a', '\tb"}]}'],
  ['a raw NUL inside a string', '{"metrics":[{"name":"', '\u0000"}]}'],
  ['an error after multi-byte text is reported in bytes', '{"metrics":[{"name":"déjà vu 😀 中文","value":', 'x}]}'],
  ['a leading zero', '{"metrics":[{"value":0', '1}]}'],
  ['a leading plus', '{"metrics":[{"value":', '+1}]}'],
  ['a lone minus', '{"metrics":[{"value":-', '}]}'],
  ['a fraction without digits', '{"metrics":[{"value":1.', 'e5}]}'],
  ['a fraction without integer part', '{"metrics":[{"value":', '.5}]}'],
  ['an exponent without digits', '{"metrics":[{"value":1e+', '}]}'],
  ['NaN is not JSON', '{"metrics":[{"value":', 'NaN}]}'],
  ['Infinity is not JSON', '{"metrics":[{"value":-', 'Infinity}]}'],
  ['a misspelled literal', '{"metrics":[{"name":nul', '}]}'],
  ['a literal in capitals', '{"metrics":[{"name":', 'True}]}'],
  ['a non-JSON whitespace character', '{"metrics":', '\u00a0[]}'],
  ['a comment', '{"metrics":[]', '/* no */}'],
  ['data after the payload', '{"metrics":[]} ', 'x'],
  ['two payloads', '{"metrics":[]}', '{"metrics":[]}'],
  ['a missing closing brace', '{"metrics":[]', ''],
  ['a mismatched bracket', '{"metrics":[{}', '}}'],
  ['an error in a skipped unknown field is still an error', '{"metrics":[{"unit":{"a":[1,', ']}}]}'],
  ['a raw U+001F (the last control character) inside a string', '{"metrics":[{"name":"a', '\u001fb"}]}'],
  ['a raw DEL is fine but a raw U+0001 is not', '{"metrics":[{"name":"\u007f', '\u0001"}]}'],
  ['an escaped single quote', '{"metrics":[{"name":"\\', '\'"}]}'],
  ['an upper-case U escape (the u must be lower case)', '{"metrics":[{"name":"\\', 'U0041"}]}'],
  ['a backslash-x escape', '{"metrics":[{"name":"\\', 'x41"}]}'],
  ['a backslash-u escape cut short by the closing quote after three digits', '{"metrics":[{"name":"\\u00e', '"}]}'],
  ['a negative number with a leading zero', '{"metrics":[{"value":-0', '1}]}'],
  ['two zeros', '{"metrics":[{"value":0', '0}]}'],
  ['a hexadecimal number', '{"metrics":[{"value":0', 'x1F}]}'],
  ['a minus followed by a dot', '{"metrics":[{"value":-', '.5}]}'],
  ['a double minus', '{"metrics":[{"value":-', '-1}]}'],
  ['a fraction that ends the array', '{"metrics":[{"value":[1.', ']}]}'],
  ['an exponent without digits before a brace', '{"metrics":[{"value":1e', '}]}'],
  ['an exponent with a sign and no digits', '{"metrics":[{"value":2.5E-', ']}]}'],
  ['a second decimal point', '{"metrics":[{"value":1.5', '.2}]}'],
  ['a fraction in the exponent', '{"metrics":[{"value":1e5', '.5}]}'],
  ['a literal with an extra letter', '{"metrics":[{"value":null', 'l}]}'],
  ['a literal cut short before a comma', '{"metrics":[{"value":tru', ',"name":"a"}]}'],
  ['a vertical tab between tokens (not JSON whitespace)', '{"metrics":', '\u000b[]}'],
  ['a form feed between tokens (not JSON whitespace)', '{"metrics":[]', '\u000c}'],
  ['a NUL between tokens', '{', '\u0000"metrics":[]}'],
  ['a line separator (U+2028) after the payload', '{"metrics":[]}', '\u2028'],
  ['whitespace before the colon is fine, a comma is not', '{"metrics" ', ',:[]}'],
  ['a comma before the first member', '{', ',"metrics":[]}'],
  ['a comma before the first element', '{"metrics":[', ',{}]}'],
  ['two commas in an array', '{"metrics":[{},', ',{}]}'],
  ['a colon in an array', '{"metrics":[{}', ':{}]}'],
  ['an error deep in a later metric is reported at its own byte', '{"metrics":[{"name":"é","value":1},{"name":"ü","tags":{"h":"😀"}},{"value":12.', '}]}'],
  ['a bad escape in a skipped field is still an error', '{"x":"\\', 'q","metrics":[]}'],
];

function expectParseErrorAt(o: Outcome, text: string, position: number, title = ''): void {
  const what = `${title ? `${title}: ` : ''}${show(text)}`;
  const bad = notAParseError(o);
  expect(bad, `Expected a ParseError for ${what}, but ${bad}`).toBeUndefined();
  const reason = o.ok ? '' : String(o.error.reason);
  expect(positionOf(o), `Expected the ParseError for ${what} at byte ${position}, got byte ${positionOf(o)} (${reason})`).toBe(position);
}

describe('phase 3 — corpus of payloads with known answers', () => {
  it('parses every valid payload into what JSON.parse gives, minus unknown fields', async () => {
    const outcomes = await parseAll(VALID.map(([, text]) => text));
    VALID.forEach(([title, text, explicit], i) => {
      const o = outcomes[i]!;
      expect(o.ok, `${title}: ${show(text)} was rejected: ${o.ok ? '' : `${o.error.name}: ${o.error.message}`}`).toBe(true);
      const oracle = expectedPayload(text);
      if (!oracle.ok) throw new Error(`corpus error: ${title} is not valid JSON`);
      // Where the corpus spells the answer out, check the oracle agrees, so both are right.
      if (explicit !== undefined) expect(firstDifference(explicit, oracle.value), `corpus error in ${title}`).toBeUndefined();
      const diff = firstDifference(oracle.value, o.ok ? o.value : undefined);
      expect(diff, `${title}: ${show(text)} parsed wrong ${diff}`).toBeUndefined();
    });
  }, 30_000);

  it('makes every key a plain data property, as JSON.parse does ("__proto__" included)', async () => {
    // postMessage copies values only, so the worker inspects the property attributes of each result.
    const outcomes = await parseAll(VALID.map(([, text]) => text), undefined, { audit: true });
    VALID.forEach(([title, text], i) => {
      const o = outcomes[i]!;
      if (!o.ok) return; // reported by the test above
      expect(o.notPlain, `${title}: ${show(text)}: ${o.notPlain}. JSON.parse makes every key, "__proto__" included, a data property that is writable, enumerable and configurable (Object.defineProperty's flags default to false)`).toBeUndefined();
    });
  }, 30_000);

  it('rejects every invalid payload at the first byte that cannot continue it', async () => {
    const texts = INVALID.map(([, prefix, rest]) => prefix + rest);
    const outcomes = await parseAll(texts);
    INVALID.forEach(([title, prefix], i) => {
      expect(expectedPayload(texts[i]!).ok, `corpus error: ${title} is valid JSON`).toBe(false);
      expectParseErrorAt(outcomes[i]!, texts[i]!, bytes(prefix), title);
    });
  }, 30_000);

  it('enforces the depth limit with a ParseError at the opening bracket, never a stack overflow', async () => {
    const head = '{"metrics":[],"x":';
    const ok = head + '['.repeat(63) + ']'.repeat(63) + '}'; // 64 levels: the root is level 1
    const deep = head + '['.repeat(64) + ']'.repeat(64) + '}';
    const hostile = head + '['.repeat(200_000);
    const tight = { maxBytes: 1 << 20, maxDepth: 4 };
    const fourLevels = '{"metrics":[{"name":"a","tags":{"h":"b"}}]}';
    const fiveLevels = '{"metrics":[{"name":"a","tags":{"h":{}}}]}';
    const [okOut, deepOut, hostileOut] = await parseAll([ok, deep, hostile]);
    const [fourOut, fiveOut] = await parseAll([fourLevels, fiveLevels], tight);
    expect(okOut!.ok, `64 levels of nesting are allowed by default, but ${show(ok)} was rejected`).toBe(true);
    expectParseErrorAt(deepOut!, deep, bytes(head) + 63);
    expectParseErrorAt(hostileOut!, hostile, bytes(head) + 63);
    expect(fourOut!.ok, `a payload with tags has 4 levels; maxDepth 4 must accept ${show(fourLevels)}`).toBe(true);
    expectParseErrorAt(fiveOut!, fiveLevels, bytes('{"metrics":[{"name":"a","tags":{"h":'));
  }, 30_000);

  it('enforces the size limit in UTF-8 bytes, with the position at the limit', async () => {
    const limits = { maxBytes: 100, maxDepth: 64 };
    const fill = (n: number, ch: string) => `{"metrics":[{"name":"${ch.repeat(n)}"}]}`;
    const exact = fill(100 - fill(0, 'a').length, 'a'); // exactly 100 bytes
    const over = fill(101 - fill(0, 'a').length, 'a');
    const multi = fill(40, 'é'); // 92 characters but 132 bytes
    const [exactOut, overOut, multiOut] = await parseAll([exact, over, multi], limits);
    expect(exactOut!.ok, `a payload of exactly maxBytes (100) must be accepted`).toBe(true);
    expectParseErrorAt(overOut!, over, 100);
    expect(multi.length).toBeLessThan(100);
    expectParseErrorAt(multiOut!, multi, 100);
  }, 30_000);
});
