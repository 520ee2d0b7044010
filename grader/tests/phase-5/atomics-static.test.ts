import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { targetFile } from '../../src/harness/target.ts';
import { RING_FILE } from './support/ring-api.ts';
import { findPlainIndexAccess, missingMessage, problemsMessage } from './support/static-atomics.ts';

// Check `atomics-static`: reads the learner's source, never runs it.
describe('phase 5 · static: every index access goes through Atomics', () => {
  it('HEAD, TAIL and REJECTED are only read and written with Atomics', () => {
    const file = targetFile(RING_FILE);
    const source = readFileSync(file, 'utf8');
    // Still the stubs: say so instead of listing every missing Atomics call.
    if (/\btodo\(\s*5\s*,/.test(source)) throw new Error('TODO(phase-5): SpscRing is not implemented yet — see docs/phase-5-ring-buffer.md#exercise-52-the-spsc-ring');
    const { problems, missing } = findPlainIndexAccess(source, file);
    // A plain Error, not expect(...).toBe(0): the message is the whole failure, with no
    // "expected 1 to be +0" and diff appended to eat the report's 500-character cap.
    if (problems.length > 0) throw new Error(problemsMessage(problems));
    if (missing.length > 0) throw new Error(missingMessage(missing));
  });
});
