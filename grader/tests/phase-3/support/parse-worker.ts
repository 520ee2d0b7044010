import { watchedThread } from '../../../src/harness/watched-thread.ts';
import { importTarget } from '../../../src/harness/target.ts';
import { isTodoError } from '../../../../starter/src/lib/todo.ts';
import { notPlainData } from './plain-data.ts';
import type { Outcome, ParseJob, FastParserModule } from './outcome.ts';

// Worker fixture: runs the learner's parser over every input, ticking after each, so that the
// watchdog on the test side can name the input an endless loop got stuck on.
const thread = watchedThread<ParseJob>();
const { inputs, limits, current, audit } = thread.data;
const at = new Int32Array(current);
const { parseFast } = await importTarget<FastParserModule>('src/ingest/fast-parser.ts');
thread.start();

const outcomes: Outcome[] = [];
for (let i = 0; i < inputs.length; i++) {
  Atomics.store(at, 0, i);
  try {
    const value = limits ? parseFast(inputs[i]!, limits) : parseFast(inputs[i]!);
    const notPlain = audit ? notPlainData(value) : undefined;
    outcomes.push(notPlain === undefined ? { ok: true, value } : { ok: true, value, notPlain });
  } catch (err) {
    if (isTodoError(err)) throw err;
    const e = err as { name?: unknown; message?: unknown; position?: unknown; reason?: unknown };
    outcomes.push({
      ok: false,
      error: { name: String(e?.name), message: String(e?.message), position: e?.position, reason: e?.reason },
    });
  }
  thread.tick();
}
thread.finish(outcomes);
