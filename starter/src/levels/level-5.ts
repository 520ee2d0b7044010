// Level 5 · provided: read it, don't change it.
import type { Level } from './seams.ts';

/**
 * Level 5, a lock-free ring: phase 5's SPSC ring buffer is graded on its own (grader/tests/phase-5);
 * the service at this level runs as at level 4. The finished service (level 7) hands every accepted
 * batch to its writer thread through it (storage/ring-writer.ts).
 */
const level5: Level = (prev) => prev;
export default level5;
