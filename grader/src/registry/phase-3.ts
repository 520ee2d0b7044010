import type { PhaseSpec } from './types.ts';

export const phase3: PhaseSpec = {
  id: 3,
  slug: 'json-parser',
  title: 'Parsing: from O(n^2) to a single-pass state machine',
  summary:
    'Profile the ingest path, find the parser that re-reads the body for every element, and replace it with a single-pass state machine that gives the same results as JSON.parse and names the byte of every error.',
  estimate: '6-9 h',
  prerequisites: ['Phase 0: the payload and validatePayload', 'the JSON grammar (RFC 8259)', 'UTF-16 strings and UTF-8 bytes'],
  lesson: 'docs/phase-3-json-parser.md',
  exercises: ['src/ingest/fast-parser.ts'],
  checks: [
    {
      id: 'corpus',
      title: 'A corpus of valid and invalid payloads: exact results, exact error bytes, depth and size limits',
      file: 'grader/tests/phase-3/corpus.test.ts',
      hint: 'Read the failing payload and the byte named. The error belongs at the first character that cannot continue a valid payload; convert the character index to bytes only when you throw (byteOffset). Check the depth before entering a container, and count limits in UTF-8 bytes.',
      anchor: '#check-corpus',
      deadlineMs: 45_000,
    },
    {
      id: 'fuzz',
      title: 'Seeded differential fuzz: thousands of generated payloads agree with JSON.parse',
      file: 'grader/tests/phase-3/fuzz.test.ts',
      hint: 'The message shows the payload and the path of the first difference; replay it with the seed. Usual suspects: \\u escapes (one UTF-16 unit each, pairs need no special case), -0, long numbers (use Number() on the slice), keys that are escaped, unknown fields not skipped.',
      anchor: '#check-fuzz',
      deadlineMs: 60_000,
    },
    {
      id: 'truncation',
      title: 'A payload cut at every character is rejected at its end: no crash, no hang',
      file: 'grader/tests/phase-3/truncation.test.ts',
      hint: 'charCodeAt past the end is NaN and text[i] is undefined: every loop must treat "no more input" as an error at index text.length, never as a closing bracket, a digit or whitespace, and never loop on it.',
      anchor: '#check-truncation',
      deadlineMs: 45_000,
    },
  ],
  perf: [
    {
      id: 'growth',
      title: 'Growth: time to parse 2,000 metrics / time for 500 (same run; linear is about 4)',
      file: 'grader/perf/phase-3/growth.ts',
      hint: 'Quadratic work hides in anything that walks from the start of the text per element: indexOf or slice from 0, a byte offset or line number computed eagerly, re-reading earlier elements. Profile with node --cpu-prof on the 2,000-metric payload.',
      anchor: '#perf-growth',
      threshold: { op: '<=', value: 8, unit: 'x' },
      deadlineMs: 60_000,
    },
    {
      id: 'throughput',
      title: 'Throughput on a 1,000-metric batch: naive parser time / your parser time (same run)',
      file: 'grader/perf/phase-3/throughput.ts',
      hint: 'Look at the allocations per character: build strings from slices of runs without escapes, not character by character; convert integers without slicing; skip unknown fields without building them.',
      anchor: '#perf-throughput',
      threshold: { op: '>=', value: 20, unit: 'x' },
      deadlineMs: 60_000,
    },
    {
      id: 'vs-json-parse',
      title: 'Distance to native JSON.parse: time(parseFast + validate) / time(JSON.parse + validate) (reported)',
      file: 'grader/perf/phase-3/vs-json-parse.ts',
      hint: 'Not graded. V8 parses JSON in C++; a JavaScript parser within 2x of it is doing well. The lesson explains why the service uses yours anyway.',
      anchor: '#perf-vs-json-parse',
      deadlineMs: 60_000,
    },
  ],
  mutants: [
    {
      name: 'eager-byte-offset',
      bug: 'Keeps the byte offset of every container up to date for error messages, walking the text from the start each time: O(n^2).',
      failsChecks: ['growth'],
      messageIncludes: 'Expected <= 8.00x',
    },
    {
      name: 'surrogate-pair',
      bug: 'Combines an escaped surrogate pair into a code point and writes it with String.fromCharCode, which keeps only 16 bits.',
      failsChecks: ['corpus', 'fuzz'],
      messageIncludes: 'parsed wrong',
    },
    {
      name: 'lenient-end',
      bug: 'Treats the end of input inside an array or object as its closing bracket, so a truncated payload is accepted.',
      failsChecks: ['corpus', 'truncation'],
      messageIncludes: 'must be rejected with a ParseError',
    },
  ],
};
