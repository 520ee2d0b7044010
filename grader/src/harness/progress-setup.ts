import { writeFileSync } from 'node:fs';
import { beforeEach } from 'vitest';

/**
 * Before each graded test, record its name synchronously in MS_PROGRESS_FILE. If the learner's code
 * blocks this process for good (an Atomics.wait that never wakes, an endless loop), vitest's own
 * timeout cannot fire; the grader kills the process at its deadline and reads this file to say
 * which test hung.
 */
const progressFile = process.env.MS_PROGRESS_FILE;
beforeEach((ctx) => {
  if (progressFile) writeFileSync(progressFile, `${ctx.task.name}\n${Date.now()}\n`);
});
