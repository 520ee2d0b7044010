import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../harness/target.ts';
import { readLabMarker } from '../phase-detect.ts';
import { gradeDir } from '../report/files.ts';
import { materializeReference } from '../tree/materialize.ts';

/**
 * `npm start`. On a learning branch: the learner's service as it is. On main, where starter/ holds
 * only stubs: the finished reference system, assembled from starter/ and every phase's solution
 * into .grade/reference/ and started from there, at the final level.
 */
let root = REPO_ROOT;
if (!readLabMarker(REPO_ROOT)) root = materializeReference(path.join(gradeDir(REPO_ROOT), 'reference'));
await import(pathToFileURL(path.join(root, 'starter/src/main.ts')).href);
