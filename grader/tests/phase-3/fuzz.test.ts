import { describe, expect, it } from 'vitest';
import { rng, seedTag, SEED } from '../../src/harness/random.ts';
import { parseAll } from './support/run-parser.ts';
import { PayloadGen } from './support/gen-payload.ts';
import { notAParseError, positionOf, show } from './support/outcome.ts';
import { bytes, expectedPayload, firstDifference } from './support/oracle.ts';

// Differential fuzzing against JSON.parse: thousands of generated payloads, valid and broken.
// Replay a failure with the seed printed in its message.
const VALID_COUNT = 3000;
const BROKEN_COUNT = 3000;

describe('phase 3 — seeded differential fuzz against JSON.parse', () => {
  it(`agrees with JSON.parse on ${VALID_COUNT} generated payloads`, async () => {
    const gen = new PayloadGen(rng(SEED));
    const texts = Array.from({ length: VALID_COUNT }, () => gen.payload());
    const outcomes = await parseAll(texts);
    texts.forEach((text, i) => {
      const oracle = expectedPayload(text);
      if (!oracle.ok) throw new Error(`generator error ${seedTag()}: ${show(text)} is not valid JSON`);
      const o = outcomes[i]!;
      expect(o.ok, `${show(text)} is valid JSON but was rejected: ${o.ok ? '' : `${o.error.name}: ${o.error.message}`} ${seedTag()}`).toBe(true);
      const diff = firstDifference(oracle.value, o.ok ? o.value : undefined);
      expect(diff, `${show(text)} parsed wrong ${diff} ${seedTag()}`).toBeUndefined();
    });
  }, 30_000);

  it(`rejects what JSON.parse rejects, at or after the broken byte, on ${BROKEN_COUNT} mutated payloads`, async () => {
    // A one-character change at index `at` leaves text[0..at) a prefix of a valid payload, so the
    // error can be no earlier than that byte, and no later than the end.
    const gen = new PayloadGen(rng((SEED ^ 0x9e3779b9) >>> 0));
    const cases = Array.from({ length: BROKEN_COUNT }, () => gen.mutate(gen.payload()));
    const outcomes = await parseAll(cases.map((c) => c.text));
    let rejected = 0;
    cases.forEach(({ text, at }, i) => {
      const o = outcomes[i]!;
      const oracle = expectedPayload(text);
      if (oracle.ok) {
        // Some mutations leave valid JSON (a digit added to a number): then the values must agree.
        const diff = o.ok ? firstDifference(oracle.value, o.value) : `it was rejected: ${o.error.message}`;
        expect(diff, `${show(text)} is valid JSON but ${diff} ${seedTag()}`).toBeUndefined();
        return;
      }
      rejected++;
      const bad = notAParseError(o);
      expect(bad, `${show(text)} is not valid JSON (changed at character ${at}), but ${bad} ${seedTag()}`).toBeUndefined();
      const lo = bytes(text.slice(0, at));
      const hi = bytes(text);
      const pos = positionOf(o);
      expect(pos >= lo && pos <= hi, `${show(text)} was changed at byte ${lo}: the text before it is a valid start, so the error cannot be at byte ${pos}; expected ${lo}..${hi} ${seedTag()}`).toBe(true);
    });
    expect(rejected, `the generator should break most payloads ${seedTag()}`).toBeGreaterThan(BROKEN_COUNT / 2);
  }, 30_000);
});
