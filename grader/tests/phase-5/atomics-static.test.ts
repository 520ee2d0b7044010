import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { targetFile } from '../../src/harness/target.ts';
import { RING_FILE } from './support/ring-api.ts';
import { findPlainIndexAccess } from './support/static-atomics.ts';

// Check `atomics-static`: reads the learner's source, never runs it.
const WHY =
  'A plain read or write of a shared index is a data race: nothing orders it with the slot ' +
  'writes around it, and the JIT may keep a plain read in a register for a whole loop. The ' +
  'stress tests cannot catch this on x86-64: the CPU never reorders a store with an earlier ' +
  'store (TSO) and V8 rarely moves these accesses today, so such a ring passes every run here ' +
  'and then loses records on ARM (Apple silicon, Graviton) or after a compiler change. Atomics ' +
  'are what the language promises: an Atomics.store publishes every write made before it to the ' +
  'thread whose Atomics.load sees the new value.';

describe('phase 5 · static: every index access goes through Atomics', () => {
  it('HEAD, TAIL and REJECTED are only read and written with Atomics', () => {
    const file = targetFile(RING_FILE);
    const source = readFileSync(file, 'utf8');
    // Still the stubs: say so instead of listing every missing Atomics call.
    if (/\btodo\(\s*5\s*,/.test(source)) throw new Error('TODO(phase-5): SpscRing is not implemented yet — see docs/phase-5-ring-buffer.md#exercise-52-the-spsc-ring');
    const { problems, missing } = findPlainIndexAccess(source, file);
    const shown = problems.slice(0, 3).map((p) => `  line ${p.line}: ${p.text}`).join('\n');
    const more = problems.length > 3 ? `\n  … and ${problems.length - 3} more` : '';
    expect(problems.length, `Expected every index access in src/sync/spsc-ring.ts to use Atomics; found ${problems.length} plain [] access(es). ${WHY}\n${shown}${more}`).toBe(0);
    expect(missing, `Expected src/sync/spsc-ring.ts to publish and read its indices with Atomics. ${WHY}\nNot found:\n  ${missing.join('\n  ')}`).toEqual([]);
  });
});
