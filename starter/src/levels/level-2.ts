// Level 2 · provided: read it, don't change it.
import { createAsyncWriter } from '../storage/create-writer.ts';
import { withDurableAck } from '../storage/durable-ack.ts';
import type { Level } from './seams.ts';

/** Level 2, async I/O: requests queue their metrics; one writer appends and fsyncs them in batches. */
const level2: Level = (prev) => ({ ...prev, writer: (w) => withDurableAck(createAsyncWriter(w.config, w.log)) });
export default level2;
