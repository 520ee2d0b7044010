import { describe, expect, it } from 'vitest';
import { parseAll } from './support/run-parser.ts';
import { notAParseError, positionOf, show } from './support/outcome.ts';
import { bytes } from './support/oracle.ts';

// Every strict prefix of a payload is a valid start of it, so a parser must reject each one with the
// error at its very end ("unexpected end of input") — never accept it, crash, or loop forever.
// Cuts fall on character boundaries (never inside a surrogate pair); positions are in UTF-8 bytes.
const PAYLOADS = [
  '{"metrics":[{"name":"cpu_usage","value":75.5,"timestamp":"2025-09-17T13:45:23.123Z","tags":{"host":"web-1","region":"eu"}}]}',
  String.raw` { "metrics" : [ { "name" : "q\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00 déjà 😀" , "value" : -12.5e-3 , "tags" : { } } ,` +
    String.raw`{"value":0,"name":"x","timestamp":1758116723123,"unit":{"a":[true,false,null,-0.0E+1,{"b":"\u0000"}]}} ] , "source" : [ ] }`,
  '{"source":{"deep":[[[{"x":"y"}]]]},"metrics":[{"name":"a","value":1e+2},{"name":"b","value":0.5}]}',
];

const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

describe('phase 3 — truncated input', () => {
  it('rejects the payload cut at every character, with the error at the end of the input', async () => {
    // All cuts of all payloads go to one worker: one startup, one watchdog.
    const cases: Array<{ payload: string; prefix: string | null }> = [];
    for (const payload of PAYLOADS) {
      cases.push({ payload, prefix: null });
      for (let k = 0; k < payload.length; k++) if (!isLowSurrogate(payload.charCodeAt(k))) cases.push({ payload, prefix: payload.slice(0, k) });
    }
    const outcomes = await parseAll(cases.map((c) => c.prefix ?? c.payload));
    cases.forEach(({ payload, prefix }, i) => {
      const o = outcomes[i]!;
      if (prefix === null) {
        expect(o.ok, `the whole payload ${show(payload)} must parse`).toBe(true);
        return;
      }
      const bad = notAParseError(o);
      expect(bad, `the payload cut after ${bytes(prefix)} bytes, ${show(prefix)}, must be rejected with a ParseError, but ${bad}`).toBeUndefined();
      expect(positionOf(o), `the payload cut after ${bytes(prefix)} bytes, ${show(prefix)}, ends early: expected the error at byte ${bytes(prefix)} (the end), got ${positionOf(o)}`).toBe(bytes(prefix));
    });
  }, 40_000);
});
