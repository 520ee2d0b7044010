import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../src/harness/target.ts';
import { firstLines } from '../src/run/correctness.ts';
import { findPlainIndexAccess, missingMessage, problemsMessage, type StaticProblem } from '../tests/phase-5/support/static-atomics.ts';

// The phase-5 static check's failure must reach the learner whole: what the report shows is
// firstLines() of vitest's "Error: <message>\n    at ..." (capped at 500 characters).
const shown = (message: string): string => firstLines(`Error: ${message}\n    at Object.<anonymous> (spsc-ring.ts:1:1)`);

const RING = `
const HEAD = 0, TAIL = 4, REJECTED = 8;
class Ring {
  ctrl = new Int32Array(new SharedArrayBuffer(64));
  tryPush(): boolean {
    const tail = Atomics.load(this.ctrl, TAIL);
    this.ctrl[TAIL] = (tail + 1) | 0;
    return true;
  }
  tryPop(): boolean {
    const head = this.ctrl[HEAD]!;
    Atomics.store(this.ctrl, HEAD, (head + 1) | 0);
    const c = this.ctrl;
    c[REJECTED]++;
    return Atomics.load(this.ctrl, HEAD) !== Atomics.load(this.ctrl, TAIL);
  }
}`;

describe('phase 5 static check: plain index accesses', () => {
  test('each problem names its line, whether it reads or writes, and the source', () => {
    const { problems, missing } = findPlainIndexAccess(RING, 'spsc-ring.ts');
    expect(problems).toEqual([
      { line: 7, text: 'this.ctrl[TAIL] = (tail + 1) | 0;', why: 'writes TAIL without Atomics.store' },
      { line: 11, text: 'const head = this.ctrl[HEAD]!;', why: 'reads HEAD without Atomics.load' },
      { line: 14, text: 'c[REJECTED]++;', why: 'writes REJECTED without Atomics.store' },
    ]);
    expect(missing).toEqual(['Atomics.store(this.ctrl, TAIL, …) to publish a record']); // its only TAIL store is plain
    const text = shown(problemsMessage(problems));
    expect(text.split('\n')[0]).toBe('Error: spsc-ring.ts:7 writes TAIL without Atomics.store: this.ctrl[TAIL] = (tail + 1) | 0;');
    expect(text).toContain('… and 1 more: line 14');
  });

  test('the reference solution has no plain access and every Atomics call', () => {
    const file = path.join(REPO_ROOT, 'solutions/phase-5/src/sync/spsc-ring.ts');
    expect(findPlainIndexAccess(readFileSync(file, 'utf8'), file)).toEqual({ problems: [], missing: [] });
  });

  test('the worst case still fits the report whole, with the why', () => {
    const long = (line: number): StaticProblem => ({ line: 10_000 + line, text: `this.ctrl[REJECTED] = ${'x'.repeat(300)};`, why: 'writes REJECTED without Atomics.store' });
    const messages = [
      problemsMessage(Array.from({ length: 50 }, (_, i) => long(i))),
      missingMessage(findPlainIndexAccess('const x = 1;', 'spsc-ring.ts').missing),
    ];
    for (const m of messages) {
      expect(shown(m)).toBe(`Error: ${m}`); // nothing cut
      expect(m).toContain('cannot catch this on x86-64'); // the plain-index mutant's expected words
    }
  });
});
