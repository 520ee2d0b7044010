import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PHASES } from '../registry/index.ts';
import { REPO_ROOT } from '../harness/target.ts';
import { readLabMarker } from '../phase-detect.ts';
import { gradeDir } from '../report/files.ts';
import { materialize } from '../tree/materialize.ts';

/**
 * `npm start`. On a learning branch: the learner's service as it is. On main, where starter/ holds
 * only stubs: the finished reference system, assembled from starter/ and every phase's solution
 * into .grade/reference/ and started from there, at the highest complete phase.
 */
let root = REPO_ROOT;
if (!readLabMarker(REPO_ROOT)) {
  const complete = PHASES.filter((p) => p.checks.length > 0);
  const last = complete.at(-1)!;
  root = materialize(last, { kind: 'solution' }, REPO_ROOT, { out: path.join(gradeDir(REPO_ROOT), 'reference'), marker: false });
  process.env.METRICSTREAM_LEVEL ??= String(last.id);
}
await import(pathToFileURL(path.join(root, 'starter/src/main.ts')).href);
