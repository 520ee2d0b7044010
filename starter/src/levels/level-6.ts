// Level 6 · provided: read it, don't change it.
import { INGEST_TASK_HANDLER, PoolProcessor, readOutcome } from '../pool/pool-processor.ts';
import type { Level } from './seams.ts';

/** Level 6, a pool: bodies are parsed on pre-started workers with a bounded queue (503 when it is full). */
const level6: Level = (prev) => ({
  ...prev,
  processors: { ...prev.processors, pool: (w, seams) => new PoolProcessor({ clock: w.clock, handler: INGEST_TASK_HANDLER, read: readOutcome, inline: seams.parse, ...w.config.pool }) },
  processor: 'pool',
});
export default level6;
